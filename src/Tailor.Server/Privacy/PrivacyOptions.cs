using Tailor.Core.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>What Tailor keeps about who did what, how long it keeps events, and how personal data is protected at rest (docs/privacy.md).</summary>
public sealed class PrivacyOptions
{
    /// <summary>How long audit entries are kept (default 400 days: a year and the time to look back on it).</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>
    /// The secret pseudonyms are made with (sources in mode <c>pseudonymous</c>, docs/privacy.md): HMAC-SHA256 keyed
    /// with it. Unset: derived from the privacy key ring's lookup key, so pseudonyms are stable across restarts and nodes.
    /// </summary>
    public string? PseudonymKey { get; set; }

    /// <summary>Encrypt the <see cref="EncryptedFields"/> at rest and store email/phone identities as keyed hashes (default true; docs/security.md).</summary>
    public bool EncryptAtRest { get; set; } = true;

    /// <summary>The privacy key file (data keys and lookup key, mode 0600); default: <c>privacy-keys.json</c> in the data directory, created on a first start.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The key file's JSON itself, for secret stores that hand it over as an environment variable (<c>TAILOR__PRIVACY__KEYS</c>); wins over <see cref="KeyFile"/>.</summary>
    public string? Keys { get; set; }

    /// <summary>Traits and properties encrypted at rest (default email, phone, firstName, lastName, first_name, last_name, name, address, ip).</summary>
    public string[]? EncryptedFields { get; set; }

    /// <summary>Rows the background re-encryption pass rewrites per transaction after a key rotation (default 500).</summary>
    public int RotationBatchSize { get; set; } = 500;

    /// <summary>
    /// How long events are kept, per event name (track events by name; other calls by type: <c>identify</c>, <c>page</c>,
    /// …), with <c>*</c> for every other: e.g. <c>{"Page Viewed": "90d", "*": "730d"}</c>. Empty (the default): kept forever.
    /// </summary>
    public Dictionary<string, string> EventRetention { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often event retention runs (at start, then every this long).</summary>
    public TimeSpan EventRetentionEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The parsed <see cref="EventRetention"/> (checked at start).</summary>
    public EventRetentionPolicy RetentionPolicy() => EventRetentionPolicy.Parse(EventRetention, out _);

    /// <summary>What is wrong, as <c>Key rule</c> lines under <c>Tailor:Privacy:</c>.</summary>
    public IEnumerable<string> Problems()
    {
        EventRetentionPolicy.Parse(EventRetention, out var retention);
        if (retention is not null) yield return retention;
        if (EventRetentionEvery < TimeSpan.FromMinutes(1)) yield return "EventRetentionEvery must be at least 00:01:00";
    }
}
