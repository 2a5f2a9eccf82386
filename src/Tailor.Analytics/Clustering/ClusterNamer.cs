namespace Tailor.Analytics.Clustering;

/// <summary>
/// Suggests a cluster's name from its shape. Each feature is given a role by its name (case-insensitive, first match):
/// recency (<c>recency</c>, <c>days_since</c>, <c>since_last</c>), frequency (<c>frequency</c>, <c>orders</c>,
/// <c>purchases</c>, <c>visits</c>, <c>sessions</c>, <c>count</c>), monetary (<c>monetary</c>, <c>revenue</c>,
/// <c>spend</c>, <c>amount</c>, <c>value</c>, <c>clv</c>, <c>total</c>). A role is high when its standardised mean is
/// at least +<see cref="Threshold"/>, low when at most −<see cref="Threshold"/> (several features of one role: their
/// mean). The first matching rule names the cluster:
/// <list type="number">
/// <item>recency high and (monetary or frequency high) → High-Value Lapsed</item>
/// <item>recency high → Lapsed</item>
/// <item>frequency high and monetary high → Champions</item>
/// <item>frequency high → Frequent Buyers</item>
/// <item>monetary high → Big Spenders</item>
/// <item>recency low and frequency low → New Customers</item>
/// <item>frequency low and monetary low → Occasional Low Spenders</item>
/// <item>recency low → Recently Active</item>
/// <item>otherwise the feature farthest from the mean, if at least the threshold away → "High &lt;feature&gt;" or "Low &lt;feature&gt;"</item>
/// <item>otherwise → Typical</item>
/// </list>
/// Names repeated within a run get " 2", " 3", … in cluster order, so every cluster (and segment) has its own name.
/// </summary>
public static class ClusterNamer
{
    /// <summary>How far from the overall mean, in standard deviations, a feature must be to count as high or low.</summary>
    public const double Threshold = 0.5;

    private enum Role
    {
        Other,
        Recency,
        Frequency,
        Monetary,
    }

    private static readonly (Role Role, string[] Words)[] RoleWords =
    [
        (Role.Recency, ["recency", "days_since", "since_last"]),
        (Role.Frequency, ["frequency", "orders", "purchases", "visits", "sessions", "count"]),
        (Role.Monetary, ["monetary", "revenue", "spend", "amount", "value", "clv", "total"]),
    ];

    /// <summary>Names every cluster from its standardised means (one list per cluster, in feature order), unique within the run.</summary>
    public static IReadOnlyList<string> NameAll(IReadOnlyList<string> features, IReadOnlyList<IReadOnlyList<double>> standardizedMeans)
    {
        var names = new List<string>(standardizedMeans.Count);
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var z in standardizedMeans)
        {
            string name = Name(features, z);
            int count = used.TryGetValue(name, out int seen) ? seen + 1 : 1;
            used[name] = count;
            names.Add(count == 1 ? name : $"{name} {count}");
        }
        return names;
    }

    /// <summary>The name the rule table gives one cluster.</summary>
    public static string Name(IReadOnlyList<string> features, IReadOnlyList<double> standardizedMeans)
    {
        var sums = new double[4];
        var counts = new int[4];
        for (int f = 0; f < features.Count; f++)
        {
            var role = RoleOf(features[f]);
            sums[(int)role] += standardizedMeans[f];
            counts[(int)role]++;
        }
        int Level(Role role) => counts[(int)role] == 0 ? 0 : sums[(int)role] / counts[(int)role] >= Threshold ? 1 : sums[(int)role] / counts[(int)role] <= -Threshold ? -1 : 0;
        int r = Level(Role.Recency), fr = Level(Role.Frequency), m = Level(Role.Monetary);
        if (r > 0 && (m > 0 || fr > 0))
        {
            return "High-Value Lapsed";
        }
        if (r > 0)
        {
            return "Lapsed";
        }
        if (fr > 0 && m > 0)
        {
            return "Champions";
        }
        if (fr > 0)
        {
            return "Frequent Buyers";
        }
        if (m > 0)
        {
            return "Big Spenders";
        }
        if (r < 0 && fr < 0)
        {
            return "New Customers";
        }
        if (fr < 0 && m < 0)
        {
            return "Occasional Low Spenders";
        }
        if (r < 0)
        {
            return "Recently Active";
        }
        int strongest = -1;
        for (int f = 0; f < features.Count; f++)
        {
            if (Math.Abs(standardizedMeans[f]) >= Threshold && (strongest < 0 || Math.Abs(standardizedMeans[f]) > Math.Abs(standardizedMeans[strongest])))
            {
                strongest = f;
            }
        }
        return strongest < 0 ? "Typical" : $"{(standardizedMeans[strongest] > 0 ? "High" : "Low")} {features[strongest]}";
    }

    private static Role RoleOf(string feature)
    {
        foreach (var (role, words) in RoleWords)
        {
            foreach (var word in words)
            {
                if (feature.Contains(word, StringComparison.OrdinalIgnoreCase))
                {
                    return role;
                }
            }
        }
        return Role.Other;
    }
}
