namespace Tailor.Analytics.Experiments;

/// <summary>The Bayesian reading of a comparison.</summary>
/// <param name="Model">The posterior, named ("normal posterior on relative lift, flat prior", "beta-binomial, Beta(1, 1) priors, numeric integration").</param>
/// <param name="ChanceToBeatControl">P(treatment better than control | data), in the metric's good direction.</param>
/// <param name="ExpectedLoss">Expected loss of choosing the treatment: E[max(0, control − treatment)] in the metric's good
/// direction, in the units of the model: relative lift for the normal posterior, the rate itself for beta-binomial.</param>
/// <param name="ExpectedLossControl">Expected loss of keeping the control: E[max(0, treatment − control)], same units.</param>
/// <param name="CredibleInterval">The (1 − α) equal-tailed credible interval of the relative lift.</param>
public sealed record BayesianResult(string Model, double ChanceToBeatControl, double ExpectedLoss, double ExpectedLossControl, Interval CredibleInterval);
