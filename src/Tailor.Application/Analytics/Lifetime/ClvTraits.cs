using Tailor.Analytics.Lifetime;

namespace Tailor.Application.Analytics.Lifetime;

/// <summary>The traits a lifetime prediction is written back as: <c>p_alive</c>, <c>expected_purchases_&lt;N&gt;d</c>, <c>clv_&lt;H&gt;d</c>.</summary>
public static class ClvTraits
{
    public static ProfileScores Of(CustomerValue c, ClvJob.Parameters parameters) => new(c.Summary.CustomerId, new Dictionary<string, object?>
    {
        ["p_alive"] = Math.Round(c.ProbabilityAlive, 4),
        [$"expected_purchases_{parameters.PurchasesDays}d"] = Math.Round(c.ExpectedPurchases, 4),
        [$"clv_{parameters.HorizonDays}d"] = Math.Round(c.LifetimeValue, 2),
    });
}
