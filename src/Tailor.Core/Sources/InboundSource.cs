namespace Tailor.Core.Sources;

/// <summary>
/// A connector source as stored: what it is (<see cref="Kind"/>, <see cref="Settings"/>), its secret (a webhook's
/// signing secret or a pull's connection string: kept, never shown back), whether it is paused, and what it last did.
/// Events it brings carry its <see cref="Id"/> as their source, so the log deduplicates them per source.
/// </summary>
/// <param name="Secret">The signing secret (shopify, webhook) or the connection string (postgres).</param>
/// <param name="Cursor">For a pull: the last (cursor, key) committed, as JSON; null before the first rows.</param>
/// <param name="NextPullAt">For a pull: when it is next due; claimed once across nodes.</param>
/// <param name="LastRunAt">For a pull: when it last ran (rows or not).</param>
/// <param name="LastRunRows">For a pull: rows its last run read.</param>
/// <param name="LastError">What last went wrong (a mapping failure, a pull that could not connect), in words.</param>
public sealed record InboundSource(
    string Id,
    string Name,
    string Kind,
    SourceSettings Settings,
    string Secret,
    bool Paused,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Cursor = null,
    DateTimeOffset? NextPullAt = null,
    DateTimeOffset? LastRunAt = null,
    int LastRunRows = 0,
    string? LastError = null,
    DateTimeOffset? LastErrorAt = null);
