namespace Tailor.Analytics.Rfm;

/// <summary>The named RFM groups, assigned from the recency and frequency scores by <see cref="RfmGroups"/>.</summary>
public enum RfmGroup
{
    Champions,
    Loyal,
    PotentialLoyalists,
    New,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}
