namespace Tailor.Analytics.Propensity;

/// <summary>The question a model answers: the target, how far ahead it looks, and which event is an order.</summary>
/// <param name="Target">Churn or next purchase.</param>
/// <param name="HorizonDays">The length of the label window after the cutoff, in days.</param>
/// <param name="OrderEvent">The track event name that counts as an order (its revenue feeds the monetary features).</param>
public sealed record PropensityQuestion(PropensityTarget Target, int HorizonDays, string OrderEvent)
{
    /// <summary>The trait the scores are written to: <c>churn_score</c> or <c>next_purchase_score</c>.</summary>
    public string ScoreTrait => Target == PropensityTarget.Churn ? "churn_score" : "next_purchase_score";

    /// <summary>The target's name in parameters and results: <c>churn</c> or <c>next_purchase</c>.</summary>
    public string TargetName => Target == PropensityTarget.Churn ? "churn" : "next_purchase";
}
