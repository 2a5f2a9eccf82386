namespace Tailor.Server.Privacy;

/// <summary>What Tailor keeps about who did what (docs/privacy.md).</summary>
public sealed class PrivacyOptions
{
    /// <summary>How long audit entries are kept (default 400 days: a year and the time to look back on it).</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>
    /// The secret pseudonyms are made with (sources in mode <c>pseudonymous</c>, docs/privacy.md): HMAC-SHA256 keyed
    /// with it. Unset: a random key per process, so pseudonyms are stable only until a restart and differ between nodes.
    /// </summary>
    public string? PseudonymKey { get; set; }
}
