namespace Tailor.Analytics.Clustering;

/// <summary>How each feature is scaled after the transform, so no feature dominates the distances by its unit.</summary>
public enum FeatureScaling
{
    /// <summary>Values are used as they are.</summary>
    None,

    /// <summary><c>(x − mean) / sd</c> with the population standard deviation (divisor n), as scikit-learn's StandardScaler; a constant feature becomes 0.</summary>
    ZScore,

    /// <summary><c>(x − min) / (max − min)</c>, as scikit-learn's MinMaxScaler; a constant feature becomes 0.</summary>
    MinMax,
}
