using System.Text.Json;

namespace Tailor.Core.Sources;

/// <summary>
/// What a connector source is told, apart from its secret: the mapping (webhook and postgres), how a webhook is
/// signed, what a pull runs and how often, and the source's limits. Each setting has a documented default
/// (docs/connectors.md); <see cref="SourceRules"/> checks them at save.
/// </summary>
/// <param name="Mapping">The mapping definition (<see cref="PayloadMapping"/>), as saved.</param>
/// <param name="SignatureHeader">The header carrying a webhook's HMAC-SHA256 (default <c>X-Signature</c>).</param>
/// <param name="SignaturePrefix">Text before the digest in that header, e.g. <c>sha256=</c> (default none).</param>
/// <param name="SignatureEncoding"><c>hex</c> (default) or <c>base64</c>.</param>
/// <param name="Query">For a pull: a read-only <c>SELECT</c>; Tailor adds the cursor condition, order and limit around it.</param>
/// <param name="CursorColumn">For a pull: the column that grows with each change (e.g. <c>updated_at</c>).</param>
/// <param name="KeyColumn">For a pull: the row's key (e.g. <c>id</c>); breaks ties on the cursor and names the row.</param>
/// <param name="EverySeconds">For a pull: seconds between runs (default 300, at least 10).</param>
/// <param name="BatchSize">For a pull: most rows per run (default 1,000, at most 10,000).</param>
/// <param name="RatePerMinute">Most webhook requests a minute on one node before 429 (default 600).</param>
/// <param name="MaxBodyBytes">Largest webhook body (default 1 MB, at most 5 MB).</param>
public sealed record SourceSettings(
    JsonElement? Mapping = null,
    string? SignatureHeader = null,
    string? SignaturePrefix = null,
    string? SignatureEncoding = null,
    string? Query = null,
    string? CursorColumn = null,
    string? KeyColumn = null,
    int? EverySeconds = null,
    int? BatchSize = null,
    int? RatePerMinute = null,
    int? MaxBodyBytes = null)
{
    public const string DefaultSignatureHeader = "X-Signature";
    public const int DefaultEverySeconds = 300;
    public const int DefaultBatchSize = 1_000;
    public const int DefaultRatePerMinute = 600;
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    public string SignatureHeaderOrDefault => SignatureHeader ?? DefaultSignatureHeader;
    public string SignatureEncodingOrDefault => SignatureEncoding ?? "hex";
    public TimeSpan Every => TimeSpan.FromSeconds(EverySeconds ?? DefaultEverySeconds);
    public int BatchSizeOrDefault => BatchSize ?? DefaultBatchSize;
    public int RatePerMinuteOrDefault => RatePerMinute ?? DefaultRatePerMinute;
    public int MaxBodyBytesOrDefault => MaxBodyBytes ?? DefaultMaxBodyBytes;
}
