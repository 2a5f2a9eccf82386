namespace Tailor.Analytics.Experiments;

/// <summary>What CUPED did for a comparison.</summary>
/// <param name="Theta">θ = Cov(Y, X) / Var(X), pooled over the two arms of the comparison.</param>
/// <param name="VarianceRemoved">1 − Var(adjusted lift) / Var(unadjusted lift): the share of the lift's variance removed.</param>
/// <param name="UnadjustedLift">The absolute lift without the adjustment, for comparison.</param>
public sealed record CupedAdjustment(double Theta, double VarianceRemoved, LiftEstimate UnadjustedLift);
