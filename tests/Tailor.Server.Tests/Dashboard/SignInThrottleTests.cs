using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Dashboard;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>The sign-in throttle on a fake clock: per user name, per address, the window sliding, a success forgetting the name only.</summary>
public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Five_failures_for_a_name_lock_that_name_until_the_first_leaves_the_window()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.MaxFailuresPerName; i++)
        {
            Assert.Null(throttle.Check("ann", $"10.0.0.{i}"));
            throttle.Failed("ann", $"10.0.0.{i}"); // from different addresses: the name alone decides
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        var lockout = throttle.Check("ann", "10.0.0.99");
        Assert.Equal(("user", SignInThrottle.Window - TimeSpan.FromMinutes(5)), (lockout!.Subject, lockout.RetryAfter));
        Assert.Equal("Too many failed sign-ins for this user name: try again in 10 minutes.", lockout.Message);
        Assert.Null(throttle.Check("bea", "10.0.0.99")); // another name is not locked

        _time.Advance(TimeSpan.FromMinutes(10)); // the first failure leaves the window
        Assert.Null(throttle.Check("ann", "10.0.0.99"));
    }

    [Fact]
    public void Twenty_failures_from_an_address_lock_it_for_every_name_and_a_success_does_not_reset_it()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.MaxFailuresPerAddress; i++)
        {
            throttle.Failed($"guess{i}", "192.0.2.7");
            if (i == 10) throttle.Succeeded("guess3");
        }
        var lockout = throttle.Check("someone", "192.0.2.7");
        Assert.Equal(("address", SignInThrottle.Window), (lockout!.Subject, lockout.RetryAfter));
        Assert.Contains("from your address", lockout.Message, StringComparison.Ordinal);
        Assert.Null(throttle.Check(null, "192.0.2.8"));
    }

    [Fact]
    public void A_success_forgets_the_names_failures()
    {
        var throttle = new SignInThrottle(_time);
        for (var i = 0; i < SignInThrottle.MaxFailuresPerName - 1; i++) throttle.Failed("ann", null);
        throttle.Succeeded("ann");
        throttle.Failed("ann", null);
        Assert.Null(throttle.Check("ann", null));
    }
}
