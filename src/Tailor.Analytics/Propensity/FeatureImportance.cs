namespace Tailor.Analytics.Propensity;

/// <summary>A feature and its share of the final model's total split gain (0…1).</summary>
public sealed record FeatureImportance(string Feature, double Share);
