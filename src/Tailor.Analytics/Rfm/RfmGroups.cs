namespace Tailor.Analytics.Rfm;

/// <summary>
/// The R/F grid that names a customer's group (the widely used RFM segmentation map, with its lowest cell split off as
/// "Lost"). Rows are the recency score R, columns the frequency score F:
/// <code>
///        F=1                 F=2                 F=3                 F=4          F=5
/// R=5    New                 Potential Loyalists Potential Loyalists Champions    Champions
/// R=4    Promising           Potential Loyalists Potential Loyalists Loyal        Loyal
/// R=3    About to Sleep      About to Sleep      Need Attention      Loyal        Loyal
/// R=2    Hibernating         Hibernating         At Risk             At Risk      Can't Lose Them
/// R=1    Lost                Hibernating         At Risk             At Risk      Can't Lose Them
/// </code>
/// </summary>
public static class RfmGroups
{
    /// <summary>The group of the cell (<paramref name="r"/>, <paramref name="f"/>), both scores 1…5.</summary>
    public static RfmGroup Of(int r, int f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(r, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(r, 5);
        ArgumentOutOfRangeException.ThrowIfLessThan(f, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(f, 5);
        return r switch
        {
            5 => f switch { 1 => RfmGroup.New, <= 3 => RfmGroup.PotentialLoyalists, _ => RfmGroup.Champions },
            4 => f switch { 1 => RfmGroup.Promising, <= 3 => RfmGroup.PotentialLoyalists, _ => RfmGroup.Loyal },
            3 => f switch { <= 2 => RfmGroup.AboutToSleep, 3 => RfmGroup.NeedAttention, _ => RfmGroup.Loyal },
            _ => f switch
            {
                1 when r == 1 => RfmGroup.Lost,
                <= 2 => RfmGroup.Hibernating,
                <= 4 => RfmGroup.AtRisk,
                _ => RfmGroup.CantLoseThem,
            },
        };
    }

    /// <summary>The group's display name ("Can't Lose Them"), as written to the <c>rfm_group</c> trait.</summary>
    public static string NameOf(RfmGroup group) => group switch
    {
        RfmGroup.Champions => "Champions",
        RfmGroup.Loyal => "Loyal",
        RfmGroup.PotentialLoyalists => "Potential Loyalists",
        RfmGroup.New => "New",
        RfmGroup.Promising => "Promising",
        RfmGroup.NeedAttention => "Need Attention",
        RfmGroup.AboutToSleep => "About to Sleep",
        RfmGroup.AtRisk => "At Risk",
        RfmGroup.CantLoseThem => "Can't Lose Them",
        RfmGroup.Hibernating => "Hibernating",
        RfmGroup.Lost => "Lost",
        _ => throw new ArgumentOutOfRangeException(nameof(group)),
    };
}
