namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Customer lifetime value over a horizon, discounted by month, as lifetimes' <c>customer_lifetime_value</c> computes it:
/// the horizon is cut into months of 30 days (the last one shorter when the horizon is not a multiple of 30),
/// CLV = Σᵢ₌₁..ₖ (E[Y(tᵢ)] − E[Y(tᵢ₋₁)]) · E[M] / (1 + d)ⁱ with tᵢ = min(30 i, H) days in model periods, K = ⌈H/30⌉,
/// E[Y] the purchase model's conditional expected purchases, E[M] Gamma-Gamma's expected average spend and d the monthly
/// discount rate.
/// </summary>
public static class LifetimeValue
{
    /// <summary>Days in one discounting month.</summary>
    public const double MonthDays = 30;

    /// <summary>The discounted value of one customer over <paramref name="horizonDays"/>.</summary>
    public static double Of(IPurchaseModel purchases, double expectedSpend, CustomerSummary customer, double horizonDays,
        double monthlyDiscountRate, double periodDays = 7)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(horizonDays);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(monthlyDiscountRate, -1);
        var months = (int)Math.Ceiling(horizonDays / MonthDays);
        var value = 0.0;
        var before = 0.0;
        for (var i = 1; i <= months; i++)
        {
            var days = Math.Min(i * MonthDays, horizonDays);
            var expected = purchases.ExpectedPurchases(days / periodDays, customer.Frequency, customer.Recency, customer.Age);
            value += (expected - before) * expectedSpend / Math.Pow(1 + monthlyDiscountRate, i);
            before = expected;
        }
        return value;
    }
}
