namespace Tailor.Analytics.Propensity;

/// <summary>
/// Builds propensity features from an event history with a time split: features only from events strictly before the
/// cutoff, labels only from orders in [cutoff, cutoff + horizon). Events at or after the end of the label window are
/// never read, and nothing after the cutoff reaches a feature, so a model cannot learn from the future.
/// Pure: the caller passes the events and the moments.
/// </summary>
public static class PropensityFeatureBuilder
{
    /// <summary>The default number of non-order event names given their own count columns.</summary>
    public const int DefaultMaxEventNames = 20;

    /// <summary>
    /// Chooses the event names counted per window: the <paramref name="maxEventNames"/> most frequent non-order names
    /// among events before <paramref name="cutoff"/> (ties by ordinal name), so the columns come from the past only.
    /// </summary>
    public static FeatureSchema ChooseSchema(IEnumerable<PropensityEvent> events, DateTimeOffset cutoff, string orderEvent, int maxEventNames = DefaultMaxEventNames)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Time < cutoff && !string.Equals(e.Name, orderEvent, StringComparison.Ordinal))
            {
                counts[e.Name] = counts.GetValueOrDefault(e.Name) + 1;
            }
        }
        var names = counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, maxEventNames)).Select(c => c.Key).ToArray();
        return new FeatureSchema(names);
    }

    /// <summary>
    /// Features as of <paramref name="cutoff"/> and labels from the <see cref="PropensityQuestion.HorizonDays"/> after it.
    /// The population is every customer with an order before the cutoff (churn) or every profile with any event
    /// before it (next purchase).
    /// </summary>
    public static FeatureTable BuildTraining(IEnumerable<PropensityEvent> events, DateTimeOffset cutoff, PropensityQuestion question, FeatureSchema schema) =>
        Build(events, cutoff, cutoff.AddDays(question.HorizonDays), question, schema, labelled: true);

    /// <summary>Features as of <paramref name="asOf"/> (events strictly before it) for the same population, without labels: what a model scores.</summary>
    public static FeatureTable BuildForScoring(IEnumerable<PropensityEvent> events, DateTimeOffset asOf, PropensityQuestion question, FeatureSchema schema) =>
        Build(events, asOf, asOf, question, schema, labelled: false);

    private static FeatureTable Build(IEnumerable<PropensityEvent> events, DateTimeOffset cutoff, DateTimeOffset labelEnd, PropensityQuestion question, FeatureSchema schema, bool labelled)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < schema.EventNames.Count; i++)
        {
            names[schema.EventNames[i]] = i;
        }
        var windows = FeatureSchema.WindowDays;
        var nameColumns = schema.EventNames.Count * windows.Count;

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var history = new List<History>();
        var nameCounts = new List<float[]>();
        var cutoffTicks = cutoff.UtcTicks;
        var windowStarts = windows.Select(w => cutoffTicks - (w * TimeSpan.TicksPerDay)).ToArray();

        foreach (var e in events)
        {
            var ticks = e.Time.UtcTicks;
            if (ticks >= labelEnd.UtcTicks)
            {
                continue;
            }
            var isOrder = string.Equals(e.Name, question.OrderEvent, StringComparison.Ordinal);
            if (ticks >= cutoffTicks)
            {
                // Inside the label window: only whether an order happened is read, and only for the label.
                if (isOrder && index.TryGetValue(e.ProfileId, out var known))
                {
                    history[known].FutureOrders++;
                }
                else if (isOrder)
                {
                    index[e.ProfileId] = history.Count;
                    history.Add(new History { FutureOrders = 1 });
                    nameCounts.Add(new float[nameColumns]);
                }
                continue;
            }
            if (!index.TryGetValue(e.ProfileId, out var p))
            {
                p = history.Count;
                index[e.ProfileId] = p;
                history.Add(new History());
                nameCounts.Add(new float[nameColumns]);
            }
            var h = history[p];
            h.Observe(ticks, windowStarts);
            if (isOrder)
            {
                h.ObserveOrder(ticks, e.Revenue, windowStarts);
            }
            else if (names.TryGetValue(e.Name, out var n))
            {
                var counts = nameCounts[p];
                for (var w = 0; w < windowStarts.Length; w++)
                {
                    if (ticks >= windowStarts[w])
                    {
                        counts[(n * windows.Count) + w]++;
                    }
                }
            }
        }

        var ids = new List<string>();
        var rows = new List<float[]>();
        var labels = new List<bool>();
        foreach (var (id, p) in index.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var h = history[p];
            var inPopulation = question.Target == PropensityTarget.Churn ? h.Orders > 0 : h.Events > 0;
            if (!inPopulation)
            {
                continue;
            }
            ids.Add(id);
            rows.Add(h.Row(cutoffTicks, nameCounts[p]));
            labels.Add(question.Target == PropensityTarget.Churn ? h.FutureOrders == 0 : h.FutureOrders > 0);
        }
        return new FeatureTable(schema, ids, [.. rows], labelled ? [.. labels] : null);
    }

    /// <summary>What one profile did before the cutoff, accumulated in one pass (every feature is a count, sum, first or last).</summary>
    private sealed class History
    {
        private long firstEvent = long.MaxValue;
        private long lastEvent = long.MinValue;
        private long firstOrder = long.MaxValue;
        private long lastOrder = long.MinValue;
        private double revenue;
        private readonly int[] ordersIn = new int[3];
        private readonly double[] revenueIn = new double[3];
        private readonly int[] eventsIn = new int[3];

        public int Events { get; private set; }

        public int Orders { get; private set; }

        public int FutureOrders { get; set; }

        public void Observe(long ticks, long[] windowStarts)
        {
            Events++;
            firstEvent = Math.Min(firstEvent, ticks);
            lastEvent = Math.Max(lastEvent, ticks);
            for (var w = 0; w < windowStarts.Length; w++)
            {
                if (ticks >= windowStarts[w])
                {
                    eventsIn[w]++;
                }
            }
        }

        public void ObserveOrder(long ticks, double amount, long[] windowStarts)
        {
            Orders++;
            revenue += amount;
            firstOrder = Math.Min(firstOrder, ticks);
            lastOrder = Math.Max(lastOrder, ticks);
            for (var w = 0; w < windowStarts.Length; w++)
            {
                if (ticks >= windowStarts[w])
                {
                    ordersIn[w]++;
                    revenueIn[w] += amount;
                }
            }
        }

        public float[] Row(long cutoffTicks, float[] nameCounts)
        {
            static float Days(long from, long to) => (float)((to - from) / (double)TimeSpan.TicksPerDay);
            var row = new float[FeatureSchema.BaseFeatures.Count + nameCounts.Length];
            row[0] = Orders > 0 ? Days(lastOrder, cutoffTicks) : Days(firstEvent, cutoffTicks);
            row[1] = Orders;
            row[2] = (float)revenue;
            row[3] = Orders > 0 ? (float)(revenue / Orders) : 0f;
            row[4] = Days(firstEvent, cutoffTicks);
            row[5] = Days(lastEvent, cutoffTicks);
            row[6] = Orders >= 2 ? Days(firstOrder, lastOrder) / (Orders - 1) : float.NaN;
            row[7] = ordersIn[0];
            row[8] = ordersIn[1];
            row[9] = ordersIn[2];
            row[10] = (float)revenueIn[1];
            row[11] = (float)revenueIn[2];
            row[12] = eventsIn[0];
            row[13] = eventsIn[1];
            row[14] = eventsIn[2];
            nameCounts.CopyTo(row, FeatureSchema.BaseFeatures.Count);
            return row;
        }
    }
}
