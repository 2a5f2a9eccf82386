namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Turns transactions into the per-customer (x, tₓ, T, m) the models are fitted on, as in the papers: purchases are
/// counted by day (several on one day are one purchase whose amount is their sum); x = purchase days after the first;
/// tₓ = days from the first to the last purchase day; T = days from the first purchase day to the calibration end (the
/// end day itself counts as inside the period); both divided by the period length in days (7: weeks). m = the mean amount
/// of the repeat purchase days (the first is left out, as Gamma-Gamma is fitted on repeat purchases). Customers whose
/// first purchase is on the end day (T = 0) or after it, and transactions after the end, are left out.
/// </summary>
public static class CalibrationSummaries
{
    /// <summary>The summaries, ordered by customer id (ordinal).</summary>
    public static IReadOnlyList<CustomerSummary> Of(IEnumerable<Transaction> transactions, DateOnly calibrationEnd, double periodDays = 7)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(periodDays);
        var days = new Dictionary<string, SortedDictionary<DateOnly, double>>(StringComparer.Ordinal);
        foreach (var t in transactions)
        {
            if (t.Date > calibrationEnd)
            {
                continue;
            }
            if (!days.TryGetValue(t.CustomerId, out var byDay))
            {
                byDay = [];
                days[t.CustomerId] = byDay;
            }
            byDay[t.Date] = byDay.GetValueOrDefault(t.Date) + t.Amount;
        }
        var summaries = new List<CustomerSummary>(days.Count);
        foreach (var (id, byDay) in days.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var first = byDay.Keys.First();
            var age = calibrationEnd.DayNumber - first.DayNumber;
            if (age <= 0)
            {
                continue;
            }
            var last = byDay.Keys.Last();
            var x = byDay.Count - 1;
            var repeatSpend = byDay.Skip(1).Sum(d => d.Value);
            summaries.Add(new CustomerSummary(id, x, (last.DayNumber - first.DayNumber) / periodDays, age / periodDays,
                x > 0 ? repeatSpend / x : 0));
        }
        return summaries;
    }
}
