namespace Tailor.Analytics.Propensity;

/// <summary>
/// The columns a model was trained on: the fixed behavioural features and the per-name event counts for the event
/// names chosen at training time. Scoring builds features with the same schema, so a model sees the columns it knows.
/// </summary>
/// <param name="EventNames">The non-order event names counted per window, most frequent before the cutoff first.</param>
public sealed record FeatureSchema(IReadOnlyList<string> EventNames)
{
    /// <summary>The fixed features, in column order (see docs/analytics.md, "Propensity", for each definition).</summary>
    public static readonly IReadOnlyList<string> BaseFeatures =
    [
        "recency_days", "frequency", "monetary", "average_order_value", "tenure_days", "days_since_last_event",
        "mean_days_between_orders", "orders_7d", "orders_30d", "orders_90d", "revenue_30d", "revenue_90d",
        "events_7d", "events_30d", "events_90d",
    ];

    /// <summary>The windows (days before the cutoff) events are counted in.</summary>
    public static readonly IReadOnlyList<int> WindowDays = [7, 30, 90];

    /// <summary>The column of <c>recency_days</c>, the baseline's only feature.</summary>
    public const int RecencyColumn = 0;

    /// <summary>Every column name in order: the fixed features, then <c>events_7d[name]</c>, <c>events_30d[name]</c>, <c>events_90d[name]</c> per event name.</summary>
    public IReadOnlyList<string> FeatureNames { get; } =
        [.. BaseFeatures, .. EventNames.SelectMany(n => WindowDays.Select(w => $"events_{w}d[{n}]"))];
}
