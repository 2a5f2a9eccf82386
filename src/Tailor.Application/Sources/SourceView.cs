using Tailor.Core.Sources;

namespace Tailor.Application.Sources;

/// <summary>
/// A connector source as the API shows it: everything but its secret, which appears only as a hint (the last four
/// characters of a signing secret; a connection string without its password).
/// </summary>
/// <param name="State"><c>active</c> or <c>paused</c>.</param>
/// <param name="Secret">A hint of the secret, never the secret.</param>
/// <param name="ReceiveUrl">For shopify and webhook sources: the path the sender posts to.</param>
public sealed record SourceView(string Id, string Name, string Kind, string State, SourceSettings Settings, string Secret, string? ReceiveUrl,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static SourceView Of(InboundSource source, ISourceRowReader rows) => new(
        source.Id, source.Name, source.Kind, source.Paused ? "paused" : "active", source.Settings, Hint(source, rows),
        source.Kind == SourceKinds.Postgres ? null : $"/v1/sources/{source.Id}", source.CreatedAt, source.UpdatedAt);

    private static string Hint(InboundSource source, ISourceRowReader rows) => source.Kind == SourceKinds.Postgres
        ? rows.Describe(source.Secret).Description ?? "(set)"
        : source.Secret.Length > 12 ? $"••••{source.Secret[^4..]}" : "••••";
}
