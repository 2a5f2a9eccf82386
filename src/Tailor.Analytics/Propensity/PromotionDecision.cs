namespace Tailor.Analytics.Propensity;

/// <summary>Whether a newly trained model replaces the one in use, and why, in a sentence a person reads.</summary>
public sealed record PromotionDecision(bool Promoted, string Reason)
{
    /// <summary>
    /// The rule: a candidate is promoted when no model is in use for the same question, or when its CV AUC is at least
    /// that of the model in use; a model that validates worse is not promoted. (AUCs are compared as reported, to
    /// three decimals, so a retrain on unchanged data replaces its twin rather than flapping on rounding.)
    /// </summary>
    /// <param name="candidateAuc">The candidate's CV AUC.</param>
    /// <param name="inUseAuc">The CV AUC of the model in use for the same target and horizon, or null when there is none.</param>
    /// <param name="inUseRunId">The run that produced the model in use, named in the reason.</param>
    public static PromotionDecision Decide(double candidateAuc, double? inUseAuc, string? inUseRunId)
    {
        if (double.IsNaN(candidateAuc))
        {
            return new(false, "not promoted: the CV AUC could not be computed");
        }
        if (inUseAuc is not { } current)
        {
            return new(true, $"promoted: no model in use for this question (CV AUC {candidateAuc:0.000})");
        }
        var candidate = Math.Round(candidateAuc, 3);
        var incumbent = Math.Round(current, 3);
        return candidate >= incumbent
            ? new(true, $"promoted: CV AUC {candidateAuc:0.000} is not worse than {current:0.000} of the model in use ({inUseRunId})")
            : new(false, $"not promoted: CV AUC {candidateAuc:0.000} is worse than {current:0.000} of the model in use ({inUseRunId}), which stays in use");
    }
}
