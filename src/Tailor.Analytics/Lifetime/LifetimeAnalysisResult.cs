namespace Tailor.Analytics.Lifetime;

/// <summary>The fitted purchase and spend models with their log-likelihoods, and every customer's predictions.</summary>
public sealed record LifetimeAnalysisResult(
    IPurchaseModel Model,
    double LogLikelihood,
    int Evaluations,
    GammaGammaModel Spend,
    double SpendLogLikelihood,
    int SpendCustomers,
    IReadOnlyList<CustomerValue> Customers);
