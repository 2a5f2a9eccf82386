using System.Text.Json;
using Tailor.Analytics.Rfm;

namespace Tailor.Application.Analytics.Rfm;

/// <summary>What an <c>rfm</c> run reports and stores: sizes, the names it read, the quintile boundaries (for re-scoring), group sizes and means.</summary>
public sealed record RfmRunResult(int Customers, int Orders, string OrderEvent, string RevenueProperty, RfmBoundaries Boundaries,
    IReadOnlyDictionary<string, int> Groups, RfmMeans? Means)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>Mean recency (days), frequency and monetary value over the customers scored.</summary>
public sealed record RfmMeans(double RecencyDays, double Frequency, double Monetary);
