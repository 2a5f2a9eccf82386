namespace Tailor.Server.Privacy;

/// <summary>What Tailor keeps about who did what (docs/privacy.md).</summary>
public sealed class PrivacyOptions
{
    /// <summary>How long audit entries are kept (default 400 days: a year and the time to look back on it).</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(400);
}
