namespace Tailor.Core.Destinations;

/// <summary>
/// What a destination is set up with; each kind reads the fields it needs (docs/connectors.md lists them with their
/// defaults). Secrets (<see cref="ConnectionString"/>, <see cref="WriteKey"/>, <see cref="Secret"/>, <see cref="StreamKeyHash"/>)
/// are stored but never returned by the API in clear.
/// </summary>
public sealed record DestinationSettings
{
    /// <summary>parquet: the directory the files go under (created when missing).</summary>
    public string? Directory { get; init; }

    /// <summary>parquet, postgres: which tables to export (<see cref="ExportTables"/>); all when empty.</summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>postgres: the target database (secret).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>postgres: the schema the tables are created in (default <c>tailor_export</c>).</summary>
    public string? Schema { get; init; }

    /// <summary>segment, audience: the endpoint (http or https); segment posts to <c>{url}/v1/batch</c> unless the URL already ends so.</summary>
    public string? Url { get; init; }

    /// <summary>segment: the receiving workspace's write key, sent as HTTP Basic user as Segment does (secret).</summary>
    public string? WriteKey { get; init; }

    /// <summary>audience: HMAC-SHA256 key for the <c>X-Tailor-Signature</c> header (secret).</summary>
    public string? Secret { get; init; }

    /// <summary>segment: only these event names (track) — empty means every name.</summary>
    public IReadOnlyList<string>? Events { get; init; }

    /// <summary>segment: only these message types (track, identify, page, screen, group, alias) — empty means every type.</summary>
    public IReadOnlyList<string>? Types { get; init; }

    /// <summary>segment: a condition on properties, <c>property op value</c> (e.g. <c>revenue &gt;= 100</c>); none when null.</summary>
    public string? Where { get; init; }

    /// <summary>segment: properties (or traits) renamed before sending, old name → new name.</summary>
    public IReadOnlyDictionary<string, string>? Rename { get; init; }

    /// <summary>segment: properties (or traits) removed before sending.</summary>
    public IReadOnlyList<string>? Drop { get; init; }

    /// <summary>segment, audience: most messages (or identifiers) per request (default 100, at most 1,000).</summary>
    public int? BatchSize { get; init; }

    /// <summary>segment, audience: longest a partial batch waits for more, in seconds (default 5, 0 sends at once).</summary>
    public int? MaxWaitSeconds { get; init; }

    /// <summary>segment, audience: attempts before a batch is set aside as a dead letter (default 5, at most 20).</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>audience: the segment whose entries and exits are sent.</summary>
    public string? SegmentId { get; init; }

    /// <summary>
    /// Every kind: the consent purpose a profile must have granted for anything of it to leave through this destination
    /// (default <c>data sharing</c>; <c>personalization</c> for a stream). See <see cref="DestinationRules.PurposeOf"/>.
    /// </summary>
    public string? Purpose { get; init; }

    /// <summary>stream: the SHA-256 of the stream key (the key itself is shown once, at creation).</summary>
    public string? StreamKeyHash { get; init; }
}
