using System.Text;
using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Events;
using Tailor.Server.Destinations;

namespace Tailor.Server.Tests.Destinations;

/// <summary>
/// The Parquet export reads <c>properties</c> and <c>revenue</c> from each payload's UTF-8 with a forward-only reader;
/// checked against what System.Text.Json's <see cref="JsonDocument"/> gives for the same payload (the export's rule:
/// the object's raw JSON, and <c>revenue</c>, else <c>total</c>, when a number).
/// </summary>
public sealed class ExportEventRowsTests
{
    public static TheoryData<string, string> Payloads => new()
    {
        { """{"type":"track","event":"Order Completed","properties":{"order_id":"o1","revenue":12.5,"currency":"EUR","products":[{"sku":"s1","price":3}]}}""", "properties" },
        { """{"properties":{"total":40,"nested":{"revenue":"not this one"}},"context":{"revenue":1}}""", "properties" },
        { """{"properties":{"revenue":"12.50","total":9}}""", "properties" },
        { """{"properties":{"revenue":null}}""", "properties" },
        { """{"properties":{}}""", "properties" },
        { """{"properties":"text"}""", "properties" },
        { """{"properties":[1,2]}""", "properties" },
        { """{"event":"x"}""", "properties" },
        { """{"properties":{"revenue":1},"properties":{"total":2}}""", "properties" },
        { """{"properties":{"revenue":1},"properties":7}""", "properties" },
        { """{"properties":{"revenue":1, "revenue":"one"}}""", "properties" },
        { """{"context":{"traits":{"a":1}},"traits":{"email":"zoë@example.com","name":"\u00c5ngstr\u00f6m \"q\" ☃","revenue":-3e2}}""", "traits" },
        { """{ "properties" : { "a" : [ { "b" : { "c" : [ ] } } ] , "total" : 0.1 } , "z" : true }""", "properties" },
        { """[1,2,3]""", "properties" },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Properties_and_revenue_are_what_a_JsonDocument_reads(string payload, string field)
    {
        var properties = ExportEventRows.Fields(Encoding.UTF8.GetBytes(payload), Encoding.UTF8.GetBytes(field), out var revenue);

        using var doc = JsonDocument.Parse(payload);
        string? expectedProperties = null;
        double? expectedRevenue = null;
        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(field, out var fields) && fields.ValueKind == JsonValueKind.Object)
        {
            expectedProperties = fields.GetRawText();
            if ((fields.TryGetProperty("revenue", out var r) || fields.TryGetProperty("total", out r)) && r.ValueKind == JsonValueKind.Number) expectedRevenue = r.GetDouble();
        }
        Assert.Equal(expectedProperties, properties.IsEmpty ? null : Encoding.UTF8.GetString(properties));
        Assert.Equal(expectedRevenue, revenue);
    }

    [Fact]
    public void Rows_keep_the_columns_and_copy_the_properties_out_of_the_reused_buffer()
    {
        using var rows = new ExportEventRows();
        var at = new DateTimeOffset(2026, 3, 8, 9, 0, 0, TimeSpan.FromHours(2));
        var buffer = Encoding.UTF8.GetBytes("""{"traits":{"name":"Zoë"},"properties":{"x":1}}""");
        rows.Visit(new AssignedEventColumns(7, "prf_1", "m1", EventType.Identify, null, "u1", null, at, at.AddSeconds(1), "src_1"), buffer);
        buffer.AsSpan().Clear(); // the store reuses its buffer: what the row keeps must be a copy
        rows.Visit(new AssignedEventColumns(8, "prf_1", "m2", EventType.Track, "Order Completed", "u1", "a1", at, at, "src_1"),
            Encoding.UTF8.GetBytes("""{"properties":{"revenue":5}}"""));

        Assert.Equal(2, rows.Rows.Count);
        var (identify, track) = (rows.Rows[0], rows.Rows[1]);
        Assert.Equal((7L, "identify", """{"name":"Zoë"}""", (double?)null), (identify.Sequence, identify.Type, identify.Properties!.Value.ToString(), identify.Revenue));
        Assert.Equal((new DateTime(2026, 3, 8, 7, 0, 0, DateTimeKind.Utc), DateTimeKind.Utc), (identify.Timestamp, identify.Timestamp.Kind));
        Assert.Equal(("track", "Order Completed", "a1", """{"revenue":5}""", (double?)5), (track.Type, track.Name, track.AnonymousId, track.Properties!.Value.ToString(), track.Revenue));
    }
}
