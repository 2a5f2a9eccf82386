namespace Tailor.Analytics.Lifetime;

/// <summary>
/// One customer's purchase history over the calibration period, in the papers' notation, time in model periods
/// (weeks by default) from the first purchase.
/// </summary>
/// <param name="Frequency">x: the number of repeat purchases (distinct purchase days after the first).</param>
/// <param name="Recency">tₓ: the time of the last purchase since the first (0 when x = 0).</param>
/// <param name="Age">T: the time from the first purchase to the end of the calibration period.</param>
/// <param name="MonetaryValue">m: the mean spend of the repeat purchase days (each day's amounts summed); 0 when x = 0.</param>
public readonly record struct CustomerSummary(string CustomerId, int Frequency, double Recency, double Age, double MonetaryValue);
