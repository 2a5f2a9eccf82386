namespace Tailor.Analytics.Associations;

/// <summary>
/// Thresholds of association-rule mining. Defaults: min support 0.01 (1% of baskets), min confidence 0.2, min lift 1
/// (no rule weaker than independence), rule length (items in X ∪ Y) from 2 to 3.
/// </summary>
public sealed record RuleOptions(double MinSupport = 0.01, double MinConfidence = 0.2, double MinLift = 1.0, int MinLength = 2, int MaxLength = 3)
{
    public const int LongestRule = 8;
    /// <summary>Mining stops with an error past this many frequent itemsets (a support threshold too low for the data).</summary>
    public const int MaxItemsets = 2_000_000;

    /// <summary>The first problem with these options as (field, rule), or null.</summary>
    public (string Field, string Rule)? Problem() =>
        !(MinSupport > 0 && MinSupport <= 1) ? ("minSupport", "must be greater than 0 and at most 1")
        : !(MinConfidence >= 0 && MinConfidence <= 1) ? ("minConfidence", "must be between 0 and 1")
        : !(MinLift >= 0) || double.IsInfinity(MinLift) ? ("minLift", "must be a number at least 0")
        : MinLength is < 2 or > LongestRule ? ("minLength", $"must be between 2 and {LongestRule}")
        : MaxLength < MinLength || MaxLength > LongestRule ? ("maxLength", $"must be between minLength and {LongestRule}")
        : null;
}
