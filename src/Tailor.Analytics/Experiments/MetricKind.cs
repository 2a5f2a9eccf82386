using System.Text.Json.Serialization;

namespace Tailor.Analytics.Experiments;

/// <summary>What a metric's per-unit value is, which decides the sufficient statistics it needs and the test used.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MetricKind>))]
public enum MetricKind
{
    /// <summary>A share of units that converted (0/1 per unit): <c>units</c> and <c>conversions</c>.</summary>
    Rate,

    /// <summary>A mean of a per-unit value (revenue per user, counts): <c>sum</c> and <c>sumOfSquares</c>.</summary>
    Mean,

    /// <summary>A ratio of two per-unit sums (revenue per order): numerator and denominator sums, squares and their cross-product.</summary>
    Ratio,
}
