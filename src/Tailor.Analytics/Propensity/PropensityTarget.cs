namespace Tailor.Analytics.Propensity;

/// <summary>What a propensity model predicts.</summary>
public enum PropensityTarget
{
    /// <summary>A customer who ordered before the cutoff places no order in the horizon after it (label 1 = churned).</summary>
    Churn,

    /// <summary>A profile seen before the cutoff places at least one order in the horizon after it (label 1 = bought).</summary>
    NextPurchase,
}
