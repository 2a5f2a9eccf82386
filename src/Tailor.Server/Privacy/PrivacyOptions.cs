using Tailor.Core.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>What Tailor keeps about who did what, how long it keeps events, and the key of suppression hashes (docs/privacy.md).</summary>
public sealed class PrivacyOptions
{
    /// <summary>How long audit entries are kept (default 400 days: a year and the time to look back on it).</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>
    /// How long events are kept, per event name (track events by name; other calls by type: <c>identify</c>, <c>page</c>,
    /// …), with <c>*</c> for every other: e.g. <c>{"Page Viewed": "90d", "*": "730d"}</c>. Empty (the default): kept forever.
    /// </summary>
    public Dictionary<string, string> EventRetention { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How often event retention runs (at start, then every this long).</summary>
    public TimeSpan EventRetentionEvery { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The key of the keyed hashes kept for erased people (suppression entries): base64 of at least 32 bytes. Never in
    /// the database. Unset: read from <see cref="SubjectKeyFile"/>.
    /// </summary>
    public string? SubjectKey { get; set; }

    /// <summary>A file holding that key (base64); unset: <c>subject.key</c> in the data directory, created with a random key on first start.</summary>
    public string? SubjectKeyFile { get; set; }

    /// <summary>The parsed <see cref="EventRetention"/> (checked at start).</summary>
    public EventRetentionPolicy RetentionPolicy() => EventRetentionPolicy.Parse(EventRetention, out _);

    /// <summary>What is wrong, as <c>Key rule</c> lines under <c>Tailor:Privacy:</c>.</summary>
    public IEnumerable<string> Problems()
    {
        EventRetentionPolicy.Parse(EventRetention, out var retention);
        if (retention is not null) yield return retention;
        if (EventRetentionEvery < TimeSpan.FromMinutes(1)) yield return "EventRetentionEvery must be at least 00:01:00";
        if (SubjectKey is { Length: > 0 } key && SubjectKeys.Decode(key) is null)
            yield return $"SubjectKey must be base64 of at least {HmacSubjectHasher.MinKeyBytes} bytes";
    }
}
