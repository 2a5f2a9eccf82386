namespace Tailor.Analytics.Rfm;

/// <summary>One customer's recency, frequency and monetary value as of a moment, with their quintile scores and group.</summary>
/// <param name="RecencyDays">Whole days (rounded down) from the last order to the as-of moment.</param>
/// <param name="Frequency">Distinct orders.</param>
/// <param name="Monetary">Sum of the orders' revenue.</param>
/// <param name="R">Recency score 1…5 (5 = most recent).</param>
/// <param name="F">Frequency score 1…5 (5 = most orders).</param>
/// <param name="M">Monetary score 1…5 (5 = most revenue).</param>
public sealed record RfmCustomer(string CustomerId, DateTimeOffset LastOrderAt, int RecencyDays, int Frequency, double Monetary, int R, int F, int M)
{
    /// <summary>The three scores as one number, R·100 + F·10 + M (555 is the best, 111 the worst).</summary>
    public int Score => R * 100 + F * 10 + M;

    /// <summary>The named group of the (R, F) cell.</summary>
    public RfmGroup Group => RfmGroups.Of(R, F);
}
