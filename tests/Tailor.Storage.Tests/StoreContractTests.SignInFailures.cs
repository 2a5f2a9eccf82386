using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>Failed sign-ins: recorded per subject, read newest first within a window and up to a limit, forgotten per subject and when old.</summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task Sign_in_failures_are_read_per_subject_newest_first_and_forgotten_by_subject_and_age()
    {
        var failures = Store.SignInFailures;
        await failures.RecordFailureAsync(["user:ann", "address:10.0.0.1"], At(1), At(0), Ct);
        await failures.RecordFailureAsync(["user:ann"], At(2), At(0), Ct);
        await failures.RecordFailureAsync(["user:ann", "address:10.0.0.1"], At(3), At(0), Ct);

        Assert.Equal([At(3), At(2), At(1)], await failures.RecentFailuresAsync("user:ann", At(0), 10, Ct));
        Assert.Equal([At(3), At(2)], await failures.RecentFailuresAsync("user:ann", At(0), 2, Ct));
        Assert.Equal([At(3)], await failures.RecentFailuresAsync("user:ann", At(2), 10, Ct)); // after, not at
        Assert.Equal([At(3), At(1)], await failures.RecentFailuresAsync("address:10.0.0.1", At(0), 10, Ct));
        Assert.Empty(await failures.RecentFailuresAsync("user:bea", At(0), 10, Ct));

        await failures.ForgetFailuresAsync("user:ann", Ct);
        Assert.Empty(await failures.RecentFailuresAsync("user:ann", At(0), 10, Ct));
        Assert.Equal(2, (await failures.RecentFailuresAsync("address:10.0.0.1", At(0), 10, Ct)).Count);

        await failures.RecordFailureAsync(["user:bea"], At(5), At(3), Ct); // forgets everything at or before At(3)
        Assert.Empty(await failures.RecentFailuresAsync("address:10.0.0.1", At(-10_000), 10, Ct));
        Assert.Equal([At(5)], await failures.RecentFailuresAsync("user:bea", At(0), 10, Ct));
    }
}
