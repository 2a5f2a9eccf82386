using System.Globalization;
using System.Text.Json;
using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests.Propensity;

/// <summary>Reads the reference values and the Online Retail slice kept in Fixtures/Propensity.</summary>
internal static class PropensityFixtures
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Propensity");

    public static JsonElement Reference { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "reference.json"))).RootElement;

    public static bool[] Bools(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetBoolean())];

    public static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    /// <summary>The invoices as events: each invoice an <c>Order Completed</c> with its amount, each cancellation an <c>Order Refunded</c>.</summary>
    public static List<PropensityEvent> OnlineRetailEvents()
    {
        var events = new List<PropensityEvent>();
        foreach (var line in File.ReadLines(Path.Combine(Folder, "online-retail-invoices.csv")).Skip(1))
        {
            var f = line.Split(',');
            var time = DateTimeOffset.Parse(f[2], CultureInfo.InvariantCulture);
            var amount = double.Parse(f[3], CultureInfo.InvariantCulture);
            events.Add(f[4] == "1"
                ? new PropensityEvent(f[0], "Order Refunded", time, 0)
                : new PropensityEvent(f[0], "Order Completed", time, amount));
        }
        return events;
    }
}
