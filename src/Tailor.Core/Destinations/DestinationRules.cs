using System.Text.RegularExpressions;
using Tailor.Core.Events;

namespace Tailor.Core.Destinations;

/// <summary>
/// What a destination must be to be saved, checked before anything is stored: the first broken rule, naming the field
/// (<c>settings.url</c>) and the rule. Every list and number from the API is bounded here.
/// </summary>
public static partial class DestinationRules
{
    public const int MaxNameLength = 100;
    public const int MaxListEntries = 100;
    public const int MaxBatchSize = 1000;
    public const int DefaultBatchSize = 100;
    public const int MaxWaitSecondsLimit = 300;
    public const int DefaultMaxWaitSeconds = 5;
    public const int MaxAttemptsLimit = 20;
    public const int DefaultMaxAttempts = 5;
    public const string DefaultPurpose = "data sharing";
    public const string DefaultSchema = "tailor_export";

    /// <summary>
    /// The consent purpose a profile must have granted for anything of it to reach <paramref name="d"/>: its
    /// <c>purpose</c> setting, else <c>personalization</c> for the live profile stream (it feeds a personalization
    /// front end, like <c>/v1/personalize</c>) and <see cref="DefaultPurpose"/> (<c>data sharing</c>) for the others.
    /// </summary>
    public static string PurposeOf(Destination d) =>
        d.Settings.Purpose ?? (d.Kind == DestinationKinds.Stream ? Profiles.ConsentPurposes.Personalization : DefaultPurpose);

    public static ValidationError? Validate(string name, string kind, DestinationSettings s)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength) return new("name", $"must be 1 to {MaxNameLength} characters");
        if (!DestinationKinds.All.Contains(kind)) return new("kind", $"must be one of {string.Join(", ", DestinationKinds.All)}");
        if (s.BatchSize is { } size && (size < 1 || size > MaxBatchSize)) return new("settings.batchSize", $"must be between 1 and {MaxBatchSize}");
        if (s.MaxWaitSeconds is { } wait && (wait < 0 || wait > MaxWaitSecondsLimit)) return new("settings.maxWaitSeconds", $"must be between 0 and {MaxWaitSecondsLimit}");
        if (s.MaxAttempts is { } attempts && (attempts < 1 || attempts > MaxAttemptsLimit)) return new("settings.maxAttempts", $"must be between 1 and {MaxAttemptsLimit}");
        if (s.Purpose is { } purpose && (string.IsNullOrWhiteSpace(purpose) || purpose.Length > 50)) return new("settings.purpose", "must be 1 to 50 characters");
        foreach (var (field, list) in new[] { ("events", s.Events), ("types", s.Types), ("drop", s.Drop), ("tables", s.Tables) })
            if (list is not null && (list.Count > MaxListEntries || list.Any(e => string.IsNullOrEmpty(e) || e.Length > 200)))
                return new($"settings.{field}", $"must have at most {MaxListEntries} non-empty entries of at most 200 characters");
        if (s.Rename is { } rename && (rename.Count > MaxListEntries || rename.Any(r => r.Key.Length is 0 or > 200 || r.Value.Length is 0 or > 200)))
            return new("settings.rename", $"must map at most {MaxListEntries} non-empty names of at most 200 characters");
        if (s.Types?.FirstOrDefault(t => !EventTypes.TryParse(t, out _)) is { } badType) return new("settings.types", $"\"{badType}\" must be one of track, identify, page, screen, group, alias");
        if (s.Tables?.FirstOrDefault(t => !ExportTables.All.Contains(t)) is { } badTable) return new("settings.tables", $"\"{badTable}\" must be one of {string.Join(", ", ExportTables.All)}");
        if (s.Where is { Length: > 0 } where && PropertyCondition.Parse(where).Error is { } whereError) return new("settings.where", whereError);
        return kind switch
        {
            DestinationKinds.Parquet => string.IsNullOrWhiteSpace(s.Directory) || !Path.IsPathFullyQualified(s.Directory) ? new("settings.directory", "must be an absolute directory path") : null,
            DestinationKinds.Postgres => string.IsNullOrWhiteSpace(s.ConnectionString) ? new("settings.connectionString", "is required")
                : s.Schema is { } schema && !Identifier().IsMatch(schema) ? new("settings.schema", "must be a lower-case identifier ([a-z_][a-z0-9_]{0,62})") : null,
            DestinationKinds.Segment => UrlProblem(s.Url),
            DestinationKinds.Audience => string.IsNullOrWhiteSpace(s.SegmentId) ? new("settings.segmentId", "is required") : UrlProblem(s.Url),
            _ => null,
        };
    }

    private static ValidationError? UrlProblem(string? url) =>
        url is null || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || !string.IsNullOrEmpty(uri.UserInfo)
            ? new("settings.url", "must be an absolute http or https URL without credentials, at most 2000 characters")
            : null;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
