using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.TrackingPlans;

namespace Tailor.Core.Tests.TrackingPlans;

public sealed class TrackingPlanTests
{
    private const string OrderSchema = """
        {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["revenue"],
         "properties": {"revenue": {"type": "number"}, "items": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}}}
        """;

    private static TrackingPlan Plan(TrackingMode mode) =>
        new([new EventSchema("Order Completed", OrderSchema, DateTimeOffset.UnixEpoch)], new Dictionary<string, TrackingMode> { ["src_web"] = mode });

    private static IReadOnlyList<SchemaViolation> Check(TrackingPlan plan, string message, string source = "src_web", EventType type = EventType.Track, string name = "Order Completed")
    {
        using var document = JsonDocument.Parse(message);
        return plan.Check(source, type, name, document.RootElement);
    }

    [Fact]
    public void An_event_that_matches_its_schema_has_no_violations()
    {
        Assert.Empty(Check(Plan(TrackingMode.Block), """{"properties": {"revenue": 10, "items": [{"sku": "a"}]}}"""));
    }

    [Fact]
    public void Violations_name_the_property_path_and_the_rule()
    {
        var violations = Check(Plan(TrackingMode.Flag), """{"properties": {"revenue": "ten", "items": [{"sku": "a"}, {"sku": 7}]}}""");

        Assert.Contains(violations, v => v.Field == "properties.revenue" && v.Description.Contains("type", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Field == "properties.items[1].sku");
    }

    [Fact]
    public void Missing_properties_are_checked_as_an_empty_object()
    {
        var violation = Assert.Single(Check(Plan(TrackingMode.Block), """{"event": "Order Completed"}"""));

        Assert.Equal("properties", violation.Field);
        Assert.Contains("revenue", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Sources_in_allow_mode_other_events_and_other_call_types_are_not_checked()
    {
        var bad = """{"properties": {"revenue": "ten"}}""";

        Assert.Empty(Check(Plan(TrackingMode.Allow), bad));
        Assert.Empty(Check(Plan(TrackingMode.Block), bad, source: "src_other"));
        Assert.Empty(Check(Plan(TrackingMode.Block), bad, name: "Product Viewed"));
        Assert.Empty(Check(Plan(TrackingMode.Block), bad, type: EventType.Page));
        Assert.Equal(TrackingMode.Allow, Plan(TrackingMode.Block).ModeOf("src_other"));
    }

    [Theory]
    [InlineData("""{"type": "objekt"}""", "schema")]
    [InlineData("""[1, 2]""", "schema")]
    [InlineData("""{"$schema": "http://json-schema.org/draft-07/schema#"}""", "schema.$schema")]
    [InlineData("""{"$ref": "https://example.com/elsewhere.json"}""", "schema")]
    [InlineData("""{"type": """, "schema")]
    public void Invalid_schemas_are_refused_naming_the_problem(string schema, string field)
    {
        var (compiled, error) = EventSchemaCompiler.Compile("Order Completed", schema);

        Assert.Null(compiled);
        Assert.NotNull(error);
        Assert.StartsWith(field, error.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Schemas_beyond_the_size_and_depth_limits_are_refused()
    {
        var big = "{\"description\": \"" + new string('x', TrackingPlanLimits.MaxSchemaBytes) + "\"}";
        var deep = string.Concat(Enumerable.Repeat("{\"not\":", 40)) + "{}" + new string('}', 40);

        Assert.Contains("64 KB", EventSchemaCompiler.Compile("E", big).Error?.Rule, StringComparison.Ordinal);
        Assert.Contains("nested at most", EventSchemaCompiler.Compile("E", deep).Error?.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Event_names_follow_the_identifier_rules()
    {
        Assert.Equal("event", EventSchemaCompiler.Compile("Bad\nName", "{}").Error?.Field);
        Assert.Equal("event", EventSchemaCompiler.Compile(" ", "{}").Error?.Field);
    }

    [Fact]
    public void Local_refs_and_a_shared_id_across_schemas_compile()
    {
        const string withRef = """{"$id": "https://shop.example/order", "$defs": {"money": {"type": "number"}}, "properties": {"revenue": {"$ref": "#/$defs/money"}}}""";
        var plan = new TrackingPlan(
            [new EventSchema("A", withRef, DateTimeOffset.UnixEpoch), new EventSchema("B", withRef, DateTimeOffset.UnixEpoch)],
            new Dictionary<string, TrackingMode> { ["s"] = TrackingMode.Flag });

        Assert.Empty(plan.Unusable);
        using var document = JsonDocument.Parse("""{"properties": {"revenue": "x"}}""");
        Assert.Equal("properties.revenue", Assert.Single(plan.Check("s", EventType.Track, "B", document.RootElement)).Field);
    }
}
