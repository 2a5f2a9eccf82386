namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Implicit ALS settings. Defaults: 32 factors, λ = 0.1, α = 10 (confidence c = 1 + α·r), 15 iterations, seed 42.
/// </summary>
public sealed record AlsOptions(int Factors = 32, double Regularization = 0.1, double Alpha = 10, int Iterations = 15, int Seed = 42)
{
    public const int MaxFactors = 256;
    public const int MaxIterations = 100;
}
