using Tailor.Analytics.Rfm;

namespace Tailor.Application.Analytics.Rfm;

/// <summary>The traits an RFM score is written back as.</summary>
public static class RfmTraits
{
    /// <summary>The model name written with the scores (<c>rfm_model.model</c>).</summary>
    public const string Model = "rfm quintiles";

    public static ProfileScores Of(RfmCustomer c) => new(c.CustomerId, new Dictionary<string, object?>
    {
        ["rfm_recency_days"] = c.RecencyDays,
        ["rfm_frequency"] = c.Frequency,
        ["rfm_monetary"] = Math.Round(c.Monetary, 2),
        ["rfm_r"] = c.R,
        ["rfm_f"] = c.F,
        ["rfm_m"] = c.M,
        ["rfm_score"] = c.Score,
        ["rfm_group"] = RfmGroups.NameOf(c.Group),
    });
}
