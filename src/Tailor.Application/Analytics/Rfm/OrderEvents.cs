using System.Globalization;
using System.Text.Json;
using Tailor.Analytics.Rfm;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Rfm;

/// <summary>
/// Reads the orders RFM and lifetime value learn from: track events named <c>orderEvent</c> before the as-of moment,
/// each on its (merged) profile. Revenue: with the default property <c>revenue</c>, the same value the profile's
/// computed <c>TotalRevenue</c> adds (<c>revenue</c>, else <c>total</c>; <see cref="ProfileReducer.Revenue"/>); with
/// another property, that property alone. Either way a number or a numeric string, else 0. The order id is
/// <c>properties.order_id</c> (or <c>orderId</c>), else the event's messageId.
/// </summary>
public static class OrderEvents
{
    /// <summary>The default order event (the e-commerce spec's).</summary>
    public const string DefaultEvent = "Order Completed";

    /// <summary>The default revenue property.</summary>
    public const string DefaultRevenueProperty = "revenue";

    /// <summary>More orders than this are refused rather than exhausting memory.</summary>
    public const int MaxOrders = 20_000_000;

    /// <summary>The orders, or the problem that stopped reading them.</summary>
    public static async Task<OperationResult<List<RfmOrder>>> ReadAsync(IAnalyticsStore store, string orderEvent, string revenueProperty,
        DateTimeOffset asOf, IProgress<AnalyticsProgress> progress, double progressShare, CancellationToken ct)
    {
        var orders = new List<RfmOrder>();
        // The store reads strictly before its bound (in milliseconds); an order exactly at the as-of moment counts.
        await foreach (var e in store.ReadTracksAsync([orderEvent], asOf.AddMilliseconds(1), ct))
        {
            if (orders.Count >= MaxOrders)
            {
                return OperationProblem.Invalid("data", $"more than {MaxOrders:N0} orders; run on a narrower event or an earlier as-of moment");
            }
            orders.Add(new RfmOrder(e.ProfileId, e.Timestamp, Revenue(e.Properties, revenueProperty), OrderId(e.Properties) ?? e.MessageId));
            if (orders.Count % 50_000 == 0)
            {
                progress.Report(new AnalyticsProgress($"reading orders ({orders.Count:N0})", progressShare / 2));
            }
        }
        progress.Report(new AnalyticsProgress($"read {orders.Count:N0} orders", progressShare));
        return orders;
    }

    /// <summary>Checks the two names every order-reading job takes.</summary>
    public static OperationProblem? Validate(string orderEvent, string revenueProperty)
    {
        if (string.IsNullOrWhiteSpace(orderEvent) || orderEvent.Length > 200)
        {
            return OperationProblem.Invalid("parameters.orderEvent", "must be an event name of 1 to 200 characters");
        }
        if (string.IsNullOrWhiteSpace(revenueProperty) || revenueProperty.Length > 200)
        {
            return OperationProblem.Invalid("parameters.revenueProperty", "must be a property name of 1 to 200 characters");
        }
        return null;
    }

    private static double Revenue(JsonElement properties, string property)
    {
        if (property == DefaultRevenueProperty)
        {
            return (double)ProfileReducer.Revenue(properties);
        }
        var value = EventView.Child(properties, property);
        double amount;
        var ok = value.ValueKind == JsonValueKind.Number ? value.TryGetDouble(out amount)
            : double.TryParse(value.ValueKind == JsonValueKind.String ? value.GetString() : null, NumberStyles.Number, CultureInfo.InvariantCulture, out amount);
        return ok && Math.Abs(amount) <= (double)ProfileReducer.MaxOrderValue ? amount : 0;
    }

    private static string? OrderId(JsonElement properties)
    {
        foreach (var name in (ReadOnlySpan<string>)["order_id", "orderId"])
        {
            var value = EventView.Child(properties, name);
            if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
            {
                return text;
            }
            if (value.ValueKind == JsonValueKind.Number)
            {
                return value.GetRawText();
            }
        }
        return null;
    }
}
