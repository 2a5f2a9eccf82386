using System.Text.Json;

namespace Tailor.Core.Experiments;

/// <summary>
/// Folds one event of a unit's owner into the unit's values of a metric — the incremental form of the definition in
/// docs/experiments.md ("Metrics"): an event at time ts counts toward y (and d) when t0 ≤ ts &lt; t0 + window and toward
/// x (and xd) when t0 − lookback ≤ ts &lt; t0, whatever order the events arrive in. Every kind is a sum or a maximum
/// over the events, so folding them one at a time gives the same values as reading them all at once.
/// </summary>
public static class MetricFold
{
    /// <summary>Whether the metric reads events of this name at all.</summary>
    public static bool Reads(ExperimentMetric metric, string? name) =>
        name is not null && (name == metric.Event || (metric.Kind == MetricKind.Ratio && name == metric.DenominatorEvent));

    /// <param name="properties">The event's <c>properties</c> object, or default when it has none (only sums read it).</param>
    public static UnitValues Apply(ExperimentMetric metric, UnitValues v, string name, DateTimeOffset ts, DateTimeOffset t0, JsonElement properties)
    {
        bool post;
        if (ts >= t0 && ts < t0.AddMilliseconds(WindowMs(metric))) post = true;
        else if (ts < t0 && ts >= t0.AddMilliseconds(-LookbackMs(metric))) post = false;
        else return v;
        if (name == metric.Event)
        {
            var value = metric.Kind switch
            {
                MetricKind.Conversion or MetricKind.ClickThrough => 1.0,
                MetricKind.Count => 1.0,
                MetricKind.Ratio when metric.Property is null => 1.0,
                _ => Number(properties, metric.Property!),
            };
            if (value is { } n)
            {
                var conversion = metric.Kind is MetricKind.Conversion or MetricKind.ClickThrough;
                v = post ? v with { Y = conversion ? 1 : v.Y + n } : v with { X = conversion ? 1 : v.X + n };
            }
        }
        if (metric.Kind == MetricKind.Ratio && name == metric.DenominatorEvent)
        {
            var value = metric.DenominatorProperty is null ? 1.0 : Number(properties, metric.DenominatorProperty);
            if (value is { } n) v = post ? v with { D = v.D + n } : v with { XD = v.XD + n };
        }
        return v;
    }

    /// <summary>The window and lookback in whole milliseconds, rounded as the recompute in SQL rounds them.</summary>
    public static long WindowMs(ExperimentMetric metric) => (long)Math.Round(metric.WindowHours * 3_600_000);

    public static long LookbackMs(ExperimentMetric metric) => (long)Math.Round(metric.LookbackHours * 3_600_000);

    /// <summary>A numeric property, null when absent or not a JSON number (text is never coerced).</summary>
    private static double? Number(JsonElement properties, string property) =>
        properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.Number
            && p.TryGetDouble(out var d) ? d : null;
}
