using System.Text.RegularExpressions;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Sources;

namespace Tailor.Application.Sources;

/// <summary>
/// Checks a <see cref="SourceRequest"/> for its kind and turns it into settings, naming the field and rule of the first
/// problem. Every number has a range, every text a length: a source is configuration an attacker with a stolen admin
/// key could also send.
/// </summary>
public static partial class SourceRules
{
    [GeneratedRegex("^[A-Za-z0-9-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ColumnName();

    [GeneratedRegex(@"^\s*(select|with)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ReadQuery();

    /// <summary>The settings for <paramref name="kind"/>, or the first problem.</summary>
    /// <param name="existingSecret">On a replace: the stored secret, kept when the request gives none.</param>
    public static OperationResult<(SourceSettings Settings, string Secret)> Check(SourceRequest request, string kind, string? existingSecret, LiquidEngine liquid, ISourceRowReader rows)
    {
        if (Name(request.Name) is { } nameProblem) return nameProblem;
        if (Range("ratePerMinute", request.RatePerMinute, 1, 100_000) is { } rate) return rate;
        if (Range("maxBodyBytes", request.MaxBodyBytes, 1024, SourceLimits.MaxBodyBytesCeiling) is { } body) return body;
        switch (kind)
        {
            case SourceKinds.Shopify:
            case SourceKinds.Webhook:
            {
                if (request.ConnectionString is not null) return OperationProblem.Invalid("connectionString", $"is only for a postgres source");
                if (request.Query is not null) return OperationProblem.Invalid("query", "is only for a postgres source");
                var secret = request.Secret ?? existingSecret;
                if (string.IsNullOrEmpty(secret)) return OperationProblem.Invalid("secret", "is required: the secret the sender signs each body with");
                if (secret.Length is < 16 or > SourceLimits.MaxSecretLength) return OperationProblem.Invalid("secret", $"must be 16 to {SourceLimits.MaxSecretLength} characters");
                if (kind == SourceKinds.Shopify)
                {
                    if (request.Mapping is not null) return OperationProblem.Invalid("mapping", "is not used by a shopify source: its mapping is fixed (docs/connectors.md)");
                    if (request.SignatureHeader is not null || request.SignaturePrefix is not null || request.SignatureEncoding is not null)
                        return OperationProblem.Invalid("signatureHeader", "is not used by a shopify source: Shopify signs with X-Shopify-Hmac-Sha256");
                    return (new SourceSettings(RatePerMinute: request.RatePerMinute, MaxBodyBytes: request.MaxBodyBytes), secret);
                }
                if (Mapping(request, liquid) is { } mappingProblem) return mappingProblem;
                if (request.SignatureHeader is { } header && !HeaderName().IsMatch(header))
                    return OperationProblem.Invalid("signatureHeader", "must be a header name: letters, digits and '-', at most 100");
                if (request.SignatureEncoding is { } encoding && encoding is not ("hex" or "base64"))
                    return OperationProblem.Invalid("signatureEncoding", "must be hex or base64");
                if (request.SignaturePrefix is { Length: > 50 } || request.SignaturePrefix is { } p && TextRules.Check(p, strict: true) is not null)
                    return OperationProblem.Invalid("signaturePrefix", "must be printable text of at most 50 characters, e.g. sha256=");
                return (new SourceSettings(request.Mapping, request.SignatureHeader, request.SignaturePrefix, request.SignatureEncoding,
                    RatePerMinute: request.RatePerMinute, MaxBodyBytes: request.MaxBodyBytes), secret);
            }
            case SourceKinds.Postgres:
            {
                if (request.Secret is not null) return OperationProblem.Invalid("secret", "is not used by a postgres source: give connectionString");
                var connection = request.ConnectionString ?? existingSecret;
                if (string.IsNullOrEmpty(connection)) return OperationProblem.Invalid("connectionString", "is required: a PostgreSQL connection string (a read-only role)");
                if (connection.Length > SourceLimits.MaxSecretLength) return OperationProblem.Invalid("connectionString", $"must be at most {SourceLimits.MaxSecretLength} characters");
                if (rows.Describe(connection).Error is { } connectionError) return OperationProblem.Invalid("connectionString", connectionError);
                if (string.IsNullOrWhiteSpace(request.Query)) return OperationProblem.Invalid("query", "is required: a SELECT whose rows become events");
                if (request.Query.Length > SourceLimits.MaxQueryLength) return OperationProblem.Invalid("query", $"must be at most {SourceLimits.MaxQueryLength} characters");
                if (!ReadQuery().IsMatch(request.Query)) return OperationProblem.Invalid("query", "must be one SELECT (or WITH … SELECT) statement");
                if (request.Query.TrimEnd().TrimEnd(';').Contains(';', StringComparison.Ordinal)) return OperationProblem.Invalid("query", "must be one statement (no ';' inside)");
                if (TextRules.Check(request.Query, strict: false) is { } queryText) return OperationProblem.Invalid("query", queryText);
                foreach (var (field, column) in new[] { ("cursorColumn", request.CursorColumn), ("keyColumn", request.KeyColumn) })
                    if (column is null || !ColumnName().IsMatch(column))
                        return OperationProblem.Invalid(field, "is required: a column the query returns, as letters, digits and '_' (e.g. updated_at, id)");
                if (Range("everySeconds", request.EverySeconds, 10, 7 * 24 * 3600) is { } every) return every;
                if (Range("batchSize", request.BatchSize, 1, 10_000) is { } batch) return batch;
                if (Mapping(request, liquid) is { } mappingProblem) return mappingProblem;
                if (request.SignatureHeader is not null) return OperationProblem.Invalid("signatureHeader", "is only for a webhook source");
                return (new SourceSettings(request.Mapping, Query: request.Query.Trim(), CursorColumn: request.CursorColumn, KeyColumn: request.KeyColumn,
                    EverySeconds: request.EverySeconds, BatchSize: request.BatchSize), connection);
            }
            default:
                return OperationProblem.Invalid("kind", $"must be one of {SourceKinds.Tracking}, {string.Join(", ", SourceKinds.Connectors)}");
        }
    }

    public static OperationProblem? Name(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return OperationProblem.Invalid("name", "is required");
        if (name.Length > SourceLimits.MaxNameLength) return OperationProblem.Invalid("name", $"must be at most {SourceLimits.MaxNameLength} characters");
        return TextRules.Check(name, strict: true) is { } rule ? OperationProblem.Invalid("name", rule) : null;
    }

    private static OperationProblem? Mapping(SourceRequest request, LiquidEngine liquid)
    {
        if (request.Mapping is not { } mapping) return OperationProblem.Invalid("mapping", "is required: how a payload becomes events (docs/connectors.md)");
        var (_, error) = MappingCompiler.Compile(mapping, liquid);
        return error is null ? null : OperationProblem.Invalid(error);
    }

    private static OperationProblem? Range(string field, int? value, int min, int max) =>
        value is { } v && (v < min || v > max) ? OperationProblem.Invalid(field, $"must be between {min} and {max}") : null;
}
