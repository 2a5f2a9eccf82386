using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Dashboard;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The sign-in throttle on a fake clock, its failures kept in the store: per user name, per address, the window
/// sliding, a success forgetting the name only — and two nodes sharing one store (SQLite file, PostgreSQL database)
/// counting the same failures.
/// </summary>
public sealed class SignInThrottleTests() : SqliteStoreTest("sign-in-throttle")
{
    private SignInThrottle _throttle = null!;

    protected override ValueTask SetUpAsync()
    {
        _throttle = new SignInThrottle(Store.SignInFailures, Time);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Five_failures_for_a_name_lock_that_name_until_the_first_leaves_the_window()
    {
        for (var i = 0; i < SignInThrottle.MaxFailuresPerName; i++)
        {
            Assert.Null(await _throttle.CheckAsync("ann", $"10.0.0.{i}", Ct));
            await _throttle.FailedAsync("ann", $"10.0.0.{i}", Ct); // from different addresses: the name alone decides
            Time.Advance(TimeSpan.FromMinutes(1));
        }
        var lockout = await _throttle.CheckAsync("ann", "10.0.0.99", Ct);
        Assert.Equal(("user", SignInThrottle.Window - TimeSpan.FromMinutes(5)), (lockout!.Subject, lockout.RetryAfter));
        Assert.Equal("Too many failed sign-ins for this user name: try again in 10 minutes.", lockout.Message);
        Assert.Null(await _throttle.CheckAsync("bea", "10.0.0.99", Ct)); // another name is not locked

        Time.Advance(TimeSpan.FromMinutes(10)); // the first failure leaves the window
        Assert.Null(await _throttle.CheckAsync("ann", "10.0.0.99", Ct));
    }

    [Fact]
    public async Task Twenty_failures_from_an_address_lock_it_for_every_name_and_a_success_does_not_reset_it()
    {
        for (var i = 0; i < SignInThrottle.MaxFailuresPerAddress; i++)
        {
            await _throttle.FailedAsync($"guess{i}", "192.0.2.7", Ct);
            if (i == 10) await _throttle.SucceededAsync("guess3", Ct);
        }
        var lockout = await _throttle.CheckAsync("someone", "192.0.2.7", Ct);
        Assert.Equal(("address", SignInThrottle.Window), (lockout!.Subject, lockout.RetryAfter));
        Assert.Contains("from your address", lockout.Message, StringComparison.Ordinal);
        Assert.Null(await _throttle.CheckAsync(null, "192.0.2.8", Ct));
    }

    [Fact]
    public async Task A_success_forgets_the_names_failures()
    {
        for (var i = 0; i < SignInThrottle.MaxFailuresPerName - 1; i++) await _throttle.FailedAsync("ann", null, Ct);
        await _throttle.SucceededAsync("ann", Ct);
        await _throttle.FailedAsync("ann", null, Ct);
        Assert.Null(await _throttle.CheckAsync("ann", null, Ct));
    }

    [Fact]
    public async Task Two_nodes_on_one_sqlite_store_count_the_same_failures()
    {
        var other = new SignInThrottle(Store.SignInFailures, Time);
        await FailAcrossAsync(_throttle, other);
        Assert.Equal("user", (await other.CheckAsync("ann", "10.0.0.99", Ct))!.Subject);
        Assert.Equal("user", (await _throttle.CheckAsync("ann", "10.0.0.99", Ct))!.Subject);
    }

    [Fact]
    public async Task Two_nodes_on_one_postgres_database_count_the_same_failures()
    {
        await using var database = await PostgresTestDatabase.CreateAsync("throttle");
        var (dataA, dataB) = (TempDirectory.Create("throttle-a"), TempDirectory.Create("throttle-b"));
        try
        {
            await using var nodeA = await TailorStores.OpenAsync(dataA, database.ConnectionString, Ct);
            await using var nodeB = await TailorStores.OpenAsync(dataB, database.ConnectionString, Ct);
            var (a, b) = (new SignInThrottle(nodeA.SignInFailures, Time), new SignInThrottle(nodeB.SignInFailures, Time));
            await FailAcrossAsync(a, b);
            Assert.Equal("user", (await b.CheckAsync("ann", "10.0.0.99", Ct))!.Subject);
            await a.SucceededAsync("ann", Ct); // a success on one node frees the name on the other
            Assert.Null(await b.CheckAsync("ann", "10.0.0.99", Ct));
        }
        finally
        {
            TempDirectory.Delete(dataA);
            TempDirectory.Delete(dataB);
        }
    }

    /// <summary>Fails "ann" five times, alternating between the two nodes, each check passing on the node tried.</summary>
    private async Task FailAcrossAsync(SignInThrottle a, SignInThrottle b)
    {
        for (var i = 0; i < SignInThrottle.MaxFailuresPerName; i++)
        {
            var node = i % 2 == 0 ? a : b;
            Assert.Null(await node.CheckAsync("ann", $"10.0.0.{i}", Ct));
            await node.FailedAsync("ann", $"10.0.0.{i}", Ct);
            Time.Advance(TimeSpan.FromSeconds(10));
        }
    }
}
