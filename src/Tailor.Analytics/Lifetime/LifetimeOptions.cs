namespace Tailor.Analytics.Lifetime;

/// <summary>How a lifetime analysis is run.</summary>
/// <param name="Model"><c>bgnbd</c> (default) or <c>paretonbd</c>: the purchase model.</param>
/// <param name="PeriodDays">Days in one model period (7: weeks, as the papers).</param>
/// <param name="HorizonDays">The CLV horizon in days (365).</param>
/// <param name="MonthlyDiscountRate">d in the CLV sum, per 30-day month (0.01).</param>
/// <param name="PurchasesDays">The window of the reported expected purchases, in days (90).</param>
public sealed record LifetimeOptions(string Model = "bgnbd", double PeriodDays = 7, double HorizonDays = 365, double MonthlyDiscountRate = 0.01, double PurchasesDays = 90)
{
    /// <summary>The purchase models by name.</summary>
    public static readonly IReadOnlyList<string> Models = ["bgnbd", "paretonbd"];
}
