using Tailor.Core.Events;

namespace Tailor.Core.Sources;

/// <summary>
/// A source's privacy settings, applied to each event at ingestion before it is stored (docs/privacy.md,
/// docs/connectors.md): what becomes of an event whose person has not consented to <c>analytics</c>, and which traits
/// and properties are kept at all (data minimisation). Every kind of source has them, write-key sources included.
/// </summary>
/// <param name="WithoutAnalyticsConsent"><c>keep</c> (default, as before), <c>pseudonymous</c> or <c>drop</c>.</param>
/// <param name="AllowTraits">When set, only these traits (of <c>traits</c> and <c>context.traits</c>) are kept.</param>
/// <param name="DenyTraits">These traits are removed.</param>
/// <param name="AllowProperties">When set, only these properties are kept.</param>
/// <param name="DenyProperties">These properties are removed.</param>
public sealed record SourcePrivacy(
    string? WithoutAnalyticsConsent = null,
    IReadOnlyList<string>? AllowTraits = null,
    IReadOnlyList<string>? DenyTraits = null,
    IReadOnlyList<string>? AllowProperties = null,
    IReadOnlyList<string>? DenyProperties = null)
{
    public const string Keep = "keep";
    public const string Pseudonymous = "pseudonymous";
    public const string Drop = "drop";
    public const int MaxNames = 200;
    public const int MaxNameLength = 200;

    public static readonly IReadOnlyList<string> Modes = [Keep, Pseudonymous, Drop];

    [System.Text.Json.Serialization.JsonIgnore]
    public string Mode => WithoutAnalyticsConsent ?? Keep;

    /// <summary>The first broken rule, its field under <paramref name="prefix"/> (e.g. <c>privacy.denyTraits[2]</c>); null when valid.</summary>
    public ValidationError? Validate(string prefix = "privacy")
    {
        if (WithoutAnalyticsConsent is { } mode && !Modes.Contains(mode))
            return new($"{prefix}.withoutAnalyticsConsent", $"must be one of {string.Join(", ", Modes)}");
        foreach (var (field, list) in new[] { ("allowTraits", AllowTraits), ("denyTraits", DenyTraits), ("allowProperties", AllowProperties), ("denyProperties", DenyProperties) })
        {
            if (list is null) continue;
            if (list.Count > MaxNames) return new($"{prefix}.{field}", $"must have at most {MaxNames} names");
            for (var i = 0; i < list.Count; i++)
                if (string.IsNullOrWhiteSpace(list[i]) || list[i].Length > MaxNameLength || TextRules.Check(list[i], strict: true) is not null)
                    return new($"{prefix}.{field}[{i}]", $"must be a printable name of 1 to {MaxNameLength} characters");
        }
        if (AllowTraits?.FirstOrDefault(n => DenyTraits?.Contains(n) == true) is { } trait)
            return new($"{prefix}.denyTraits", $"\"{trait}\" is also in allowTraits: a name is allowed or denied, not both");
        if (AllowProperties?.FirstOrDefault(n => DenyProperties?.Contains(n) == true) is { } property)
            return new($"{prefix}.denyProperties", $"\"{property}\" is also in allowProperties: a name is allowed or denied, not both");
        return null;
    }
}
