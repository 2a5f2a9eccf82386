namespace Tailor.Analytics.Lifetime;

/// <summary>One customer's predictions: P(alive), expected purchases in the window, expected spend per purchase (Gamma-Gamma) and CLV over the horizon.</summary>
public sealed record CustomerValue(CustomerSummary Summary, double ProbabilityAlive, double ExpectedPurchases, double ExpectedSpend, double LifetimeValue);
