using System.Text.Json.Serialization;

namespace Tailor.Core.Experiments;

/// <summary>
/// A metric read from the event log per exposed unit, over <see cref="WindowHours"/> after the unit's first exposure
/// (docs/experiments.md, "Metrics"); the same value over <see cref="LookbackHours"/> before it is the pre-exposure covariate.
/// </summary>
/// <param name="Name">How results name it (key syntax).</param>
/// <param name="Event">The track event counted (for a ratio: the numerator's).</param>
/// <param name="Property">For <see cref="MetricKind.Sum"/> and a ratio's numerator: the numeric property summed (e.g. <c>revenue</c>).</param>
/// <param name="DenominatorEvent">For <see cref="MetricKind.Ratio"/>: the denominator's event.</param>
/// <param name="DenominatorProperty">For a ratio: the denominator's property summed; absent, its events are counted.</param>
public sealed record ExperimentMetric(string Name, MetricKind Kind, string Event, string? Property = null, string? DenominatorEvent = null,
    string? DenominatorProperty = null, double WindowHours = ExperimentMetric.DefaultWindowHours, double LookbackHours = ExperimentMetric.DefaultLookbackHours)
{
    public const double DefaultWindowHours = 24 * 7;
    public const double DefaultLookbackHours = 24 * 14;
}

[JsonConverter(typeof(JsonStringEnumConverter<MetricKind>))]
public enum MetricKind
{
    /// <summary>1 when the unit performed the event within the window, else 0.</summary>
    [JsonStringEnumMemberName("conversion")]
    Conversion,

    /// <summary>As <see cref="Conversion"/>, for a click event (e.g. <c>Experiment Clicked</c>): the share of exposed units who clicked.</summary>
    [JsonStringEnumMemberName("click_through")]
    ClickThrough,

    /// <summary>How many times the unit performed the event within the window.</summary>
    [JsonStringEnumMemberName("count")]
    Count,

    /// <summary>The sum of a numeric property over the unit's events within the window (revenue per user with <c>revenue</c>).</summary>
    [JsonStringEnumMemberName("sum")]
    Sum,

    /// <summary>Σ numerator / Σ denominator over units (e.g. revenue per order); per-unit numerator and denominator are kept for the delta method.</summary>
    [JsonStringEnumMemberName("ratio")]
    Ratio,
}
