using System.Text.Json;
using Tailor.Core.Content;
using Tailor.Core.Sources;

namespace Tailor.Core.Tests.Sources;

/// <summary>The mapping language: checked at save naming the field, applied to payloads with paths, Liquid and forEach.</summary>
public sealed class PayloadMappingTests
{
    private static readonly LiquidEngine Liquid = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static PayloadMapping Compile(string mapping)
    {
        var (compiled, error) = MappingCompiler.Compile(Json(mapping), Liquid);
        Assert.Null(error);
        return compiled!;
    }

    private const string SupportDesk = """
        {"event": "ticket.created", "ticket": {"id": 4411, "subject": "Parcel late", "priority": "high", "tags": ["shipping", "late"],
         "requester": {"id": "cus-88", "email": "ana@example.com", "name": "Ana"}, "created_at": "2026-11-30T10:00:00Z", "minutes_open": 42}}
        """;

    [Fact]
    public async Task A_support_desk_ticket_maps_to_an_identify_and_a_track_with_paths_Liquid_and_constants()
    {
        var mapping = Compile("""
            {"messages": [
              {"type": "identify", "userId": "$.ticket.requester.id", "traits": {"email": "$.ticket.requester.email", "name": "$.ticket.requester.name"}},
              {"event": {"liquid": "Ticket {{ payload.event | split: '.' | last | capitalize }}"}, "userId": "$.ticket.requester.id",
               "timestamp": "$.ticket.created_at", "messageId": "$.ticket.id",
               "properties": {"ticket_id": "$.ticket.id", "subject": {"liquid": "{{ payload.ticket.subject | upcase }}"}, "first_tag": "$.ticket.tags[0]",
                              "hours_open": {"liquid": "{{ payload.ticket.minutes_open | divided_by: 60.0 | round: 1 }}", "as": "number"},
                              "channel": "support", "price": {"value": "$5"}, "missing": "$.ticket.nope"}}]}
            """);

        var messages = await new PayloadMapper(Liquid).MapAsync(mapping, Json(SupportDesk), "body-abc", Ct);

        Assert.Equal(2, messages.Count);
        Assert.Equal("cus-88", (string)messages[0]["userId"]!);
        Assert.Equal("ana@example.com", (string)messages[0]["traits"]!["email"]!);
        Assert.Equal("body-abc-0", (string)messages[0]["messageId"]!); // two messages from one payload: each its own id
        var track = messages[1];
        Assert.Equal("Ticket Created", (string)track["event"]!);
        Assert.Equal("4411-1", (string)track["messageId"]!);
        Assert.Equal("PARCEL LATE", (string)track["properties"]!["subject"]!);
        Assert.Equal("shipping", (string)track["properties"]!["first_tag"]!);
        Assert.Equal(0.7m, track["properties"]!["hours_open"]!.GetValue<decimal>());
        Assert.Equal("support", (string)track["properties"]!["channel"]!);
        Assert.Equal("$5", (string)track["properties"]!["price"]!);
        Assert.Null(track["properties"]!["missing"]); // a path that finds nothing leaves the field out
    }

    [Fact]
    public async Task ForEach_maps_each_item_read_as_at_and_when_skips_what_it_does_not_find()
    {
        var mapping = Compile("""
            {"forEach": "$.responses",
             "messages": [{"event": "Survey Answered", "userId": "$.respondent", "when": "@.answer",
                           "properties": {"question": "@.q", "answer": "@.answer", "survey": "$.survey", "label": {"liquid": "{{ item.q }}={{ item.answer }}"}}}]}
            """);
        var payload = Json("""{"survey": "nps-q4", "respondent": "u-1", "responses": [{"q": "nps", "answer": 9}, {"q": "why"}, {"q": "again", "answer": true}]}""");

        var messages = await new PayloadMapper(Liquid).MapAsync(mapping, payload, "body-x", Ct);

        Assert.Equal(2, messages.Count);
        Assert.Equal(9, (int)messages[0]["properties"]!["answer"]!);
        Assert.Equal("nps=9", (string)messages[0]["properties"]!["label"]!);
        Assert.Equal("nps-q4", (string)messages[1]["properties"]!["survey"]!);
        Assert.Equal(["body-x-0", "body-x-2"], messages.Select(m => (string)m["messageId"]!)); // by item index: stable across sends
    }

    [Fact]
    public async Task A_Liquid_value_that_does_not_render_a_number_fails_naming_the_field()
    {
        var mapping = Compile("""{"messages": [{"event": "E", "userId": "$.u", "properties": {"n": {"liquid": "{{ payload.u }}", "as": "number"}}}]}""");

        var error = await Assert.ThrowsAsync<MappingException>(() => new PayloadMapper(Liquid).MapAsync(mapping, Json("""{"u": "abc"}"""), "b", Ct));

        Assert.Equal("messages[0].properties.n", error.Field);
        Assert.Contains("must render a number", error.Message);
    }

    [Fact]
    public async Task ForEach_over_more_items_than_the_limit_fails()
    {
        var mapping = Compile("""{"forEach": "$.items", "messages": [{"event": "E", "userId": "@.u"}]}""");
        var payload = JsonSerializer.SerializeToElement(new { items = Enumerable.Range(0, SourceLimits.MaxForEachItems + 1).Select(i => new { u = $"u{i}" }) });

        var error = await Assert.ThrowsAsync<MappingException>(() => new PayloadMapper(Liquid).MapAsync(mapping, payload, "b", Ct));

        Assert.Equal("forEach", error.Field);
    }

    [Theory]
    [InlineData("""[]""", "mapping", "must be an object")]
    [InlineData("""{}""", "mapping.messages", "is required")]
    [InlineData("""{"messages": []}""", "mapping.messages", "non-empty array")]
    [InlineData("""{"messages": [{"event": "E"}]}""", "mapping.messages[0].userId", "is required (or anonymousId)")]
    [InlineData("""{"messages": [{"userId": "$.u"}]}""", "mapping.messages[0].event", "is required for a track message")]
    [InlineData("""{"messages": [{"type": "purchase", "userId": "$.u"}]}""", "mapping.messages[0].type", "must be one of track, identify")]
    [InlineData("""{"messages": [{"event": "E", "userId": "$.u", "colour": "red"}]}""", "mapping.messages[0].colour", "is not a message field")]
    [InlineData("""{"messages": [{"event": "E", "userId": "$.a..b"}]}""", "mapping.messages[0].userId", "must name a member after '.'")]
    [InlineData("""{"messages": [{"event": "E", "userId": "$.a[x]"}]}""", "mapping.messages[0].userId", "quoted name or an index")]
    [InlineData("""{"messages": [{"event": "E", "userId": "@.u"}]}""", "mapping.messages[0].userId", "no forEach")]
    [InlineData("""{"messages": [{"event": {"liquid": "{{ payload.x "}, "userId": "$.u"}]}""", "mapping.messages[0].event.liquid", "must be valid Liquid")]
    [InlineData("""{"messages": [{"event": {"liquid": "x", "as": "date"}, "userId": "$.u"}]}""", "mapping.messages[0].event.as", "must be one of string, number, boolean")]
    [InlineData("""{"forEach": "@.items", "messages": [{"event": "E", "userId": "$.u"}]}""", "mapping.forEach", "must start with $")]
    [InlineData("""{"messages": [{"event": "E", "userId": "$.u"}], "extra": 1}""", "mapping.extra", "is not a mapping field")]
    public void A_bad_mapping_is_refused_at_save_naming_the_field_and_rule(string mapping, string field, string rule)
    {
        var (compiled, error) = MappingCompiler.Compile(Json(mapping), Liquid);

        Assert.Null(compiled);
        Assert.Equal(field, error!.Field);
        Assert.Contains(rule, error.Rule);
    }

    [Fact]
    public void A_mapping_too_deep_or_too_large_is_refused()
    {
        var deep = "\"$.u\"";
        for (var i = 0; i < SourceLimits.MaxMappingDepth + 1; i++) deep = $"{{\"a\": {deep}}}";
        var (_, tooDeep) = MappingCompiler.Compile(Json($$"""{"messages": [{"event": "E", "userId": "$.u", "properties": {{deep}}}]}"""), Liquid);
        var many = string.Join(", ", Enumerable.Range(0, SourceLimits.MaxMappedValues + 1).Select(i => $"\"p{i}\": \"$.p{i}\""));
        var (_, tooMany) = MappingCompiler.Compile(Json("{\"messages\": [{\"event\": \"E\", \"userId\": \"$.u\", \"properties\": {" + many + "}}]}"), Liquid);

        Assert.Contains("levels deep", tooDeep!.Rule);
        Assert.Contains("mapped values", tooMany!.Rule);
    }

    [Fact]
    public void A_path_reads_members_quoted_names_and_indexes_and_finds_nothing_past_the_end()
    {
        var payload = Json("""{"a": {"b c": [10, {"d": "x"}]}, "n": null}""");
        JsonPath Path(string text) => JsonPath.TryParse(text, out var p, out var rule) ? p : throw new InvalidOperationException(rule);

        Assert.Equal("x", Path("$.a['b c'][1].d").Read(payload, null)!.Value.GetString());
        Assert.Equal(10, Path("$.a[\"b c\"][0]").Read(payload, null)!.Value.GetInt32());
        Assert.Null(Path("$.a['b c'][2]").Read(payload, null));
        Assert.Null(Path("$.n").Read(payload, null));
        Assert.Null(Path("$.a.b").Read(payload, null));
        Assert.False(JsonPath.TryParse("$" + string.Concat(Enumerable.Repeat(".a", JsonPath.MaxSegments + 1)), out _, out var rule));
        Assert.Contains("at most", rule);
    }
}
