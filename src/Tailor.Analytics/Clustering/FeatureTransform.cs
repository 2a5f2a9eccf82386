namespace Tailor.Analytics.Clustering;

/// <summary>A transform applied to every feature before scaling.</summary>
public enum FeatureTransform
{
    /// <summary>Values are used as they are.</summary>
    None,

    /// <summary><c>ln(1 + x)</c>, for skewed counts and amounts; every value must be greater than −1.</summary>
    Log1p,
}
