using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Events;

namespace Tailor.Core.Tests.Destinations;

public sealed class DestinationRulesTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("segment", """{"url":"ftp://x"}""", "settings.url")]
    [InlineData("segment", """{"url":"https://user:pw@x.example"}""", "settings.url")]
    [InlineData("segment", """{"url":"https://x.example","batchSize":5000}""", "settings.batchSize")]
    [InlineData("segment", """{"url":"https://x.example","maxAttempts":0}""", "settings.maxAttempts")]
    [InlineData("segment", """{"url":"https://x.example","types":["shout"]}""", "settings.types")]
    [InlineData("segment", """{"url":"https://x.example","where":"revenue"}""", "settings.where")]
    [InlineData("parquet", """{"directory":"relative/dir"}""", "settings.directory")]
    [InlineData("parquet", """{"directory":"/abs","tables":["orders"]}""", "settings.tables")]
    [InlineData("postgres", """{"connectionString":"Host=x","schema":"Drop Table"}""", "settings.schema")]
    [InlineData("audience", """{"url":"https://x.example"}""", "settings.segmentId")]
    [InlineData("teleport", """{}""", "kind")]
    public void A_bad_setting_is_refused_naming_its_field(string kind, string settings, string field)
    {
        var parsed = JsonSerializer.Deserialize<DestinationSettings>(settings, Web)!;
        Assert.Equal(field, DestinationRules.Validate("d", kind, parsed)?.Field);
    }

    [Fact]
    public void Good_settings_pass() =>
        Assert.Null(DestinationRules.Validate("d", "segment", new DestinationSettings { Url = "https://api.segment.io", Events = ["Order Completed"], Where = "revenue >= 10" }));

    [Theory]
    [InlineData("revenue >= 10", """{"revenue":10}""", true)]
    [InlineData("revenue >= 10", """{"revenue":9.99}""", false)]
    [InlineData("revenue > 9", """{"revenue":10}""", true)]
    [InlineData("currency = 'EUR'", """{"currency":"EUR"}""", true)]
    [InlineData("currency != EUR", """{"currency":"EUR"}""", false)]
    [InlineData("revenue >= 10", """{"total":50}""", false)]
    public void The_condition_compares_numbers_as_numbers_and_text_as_text(string condition, string properties, bool matches)
    {
        var (parsed, error) = PropertyCondition.Parse(condition);
        Assert.Null(error);
        Assert.Equal(matches, parsed!.Matches(JsonDocument.Parse(properties).RootElement));
    }

    [Fact]
    public void Emails_are_normalised_then_hashed_as_ad_platforms_expect()
    {
        // Reference: python3 -c "import hashlib; print(hashlib.sha256(b'ann@example.com').hexdigest())"
        Assert.Equal("71d4f55f72fa128dfb468a1a3901507c804b74316488744d769d7f4b16696476", AudienceIdentifiers.HashEmail("  Ann@Example.COM "));
    }

    [Fact]
    public void File_names_carry_their_range_and_sort_in_log_order()
    {
        var name = new ExportFileName("events", 101, 2000);
        Assert.Equal("events-0000000000000000101-0000000000000002000.parquet", name.ToString());
        Assert.True(ExportFileName.TryParse(name.ToString(), out var back));
        Assert.Equal(name, back);
        Assert.False(ExportFileName.TryParse(name + ".tmp", out _));
        Assert.True(string.CompareOrdinal(new ExportFileName("events", 9, 9).ToString(), new ExportFileName("events", 10, 10).ToString()) < 0);
    }

    [Fact]
    public void The_mapping_renames_and_drops_properties_and_writes_a_Segment_message()
    {
        var selection = new EventSelection(new DestinationSettings { Events = ["Order Completed"], Rename = new Dictionary<string, string> { ["revenue"] = "value" }, Drop = ["secret"] });
        var payload = """{"type":"track","event":"Order Completed","userId":"u1","messageId":"m1","properties":{"revenue":12.5,"secret":"x","sku":"a"},"context":{"ip":"1.2.3.4"}}""";
        var e = new TailorEvent("m1", EventType.Track, "Order Completed", "u1", null, new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.Zero), "src", payload);
        var message = JsonDocument.Parse(payload).RootElement;
        Assert.True(selection.Selects(e, message));
        Assert.False(selection.Selects(e with { Name = "Page Viewed" }, message));
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) selection.Write(w, e, message);
        var written = JsonDocument.Parse(buffer.ToArray()).RootElement;
        Assert.Equal("Order Completed", written.GetProperty("event").GetString());
        Assert.Equal(12.5m, written.GetProperty("properties").GetProperty("value").GetDecimal());
        Assert.False(written.GetProperty("properties").TryGetProperty("secret", out _));
        Assert.False(written.GetProperty("properties").TryGetProperty("revenue", out _));
        Assert.Equal("1.2.3.4", written.GetProperty("context").GetProperty("ip").GetString());
    }
}
