using System.Text.Json;

namespace Tailor.Application.Sources;

/// <summary>
/// A source as the API and the CLI describe it, to create or replace. On a replace, a secret (or connection string)
/// left out keeps the stored one: secrets are never shown back, so a client cannot send them again.
/// </summary>
/// <param name="Kind"><c>shopify</c>, <c>webhook</c> or <c>postgres</c> (or <c>tracking</c>, a write-key source).</param>
/// <param name="Secret">The signing secret of a shopify or webhook source.</param>
/// <param name="ConnectionString">The PostgreSQL connection string of a postgres source (a read-only role).</param>
/// <param name="WriteKey">For a tracking source: the write key to use instead of a generated one.</param>
/// <param name="Privacy">Any kind: what becomes of events without analytics consent, and which traits and properties are kept.</param>
public sealed record SourceRequest(
    string? Name,
    string? Kind = null,
    string? Secret = null,
    string? ConnectionString = null,
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
    int? MaxBodyBytes = null,
    string? WriteKey = null,
    Tailor.Core.Sources.SourcePrivacy? Privacy = null);
