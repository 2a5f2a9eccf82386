namespace Tailor.Server.Dashboard;

/// <summary>Why a sign-in is refused before its password is even checked, and for how long.</summary>
/// <param name="Subject">What was guessed at too often: <c>user</c> (this user name) or <c>address</c> (this client's address).</param>
public sealed record SignInLockout(string Subject, TimeSpan RetryAfter)
{
    /// <summary>The message the sign-in form shows.</summary>
    public string Message =>
        $"Too many failed sign-ins {(Subject == "user" ? "for this user name" : "from your address")}: try again in {Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalMinutes))} minute{(RetryAfter.TotalMinutes > 1 ? "s" : "")}.";
}
