using System.Text.Json;
using Tailor.Core.Events;

namespace Tailor.Core.Tests.Events;

public sealed class MessageParserTests
{
    private static readonly DateTimeOffset Received = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly MessageParser.Arrival Arrival = new("src_1", Received);

    private static ParseResult Parse(string json, EventType? routeType = null, MessageParser.Arrival? arrival = null, int? index = null,
        IngestionLimits? limits = null)
    {
        var parser = new MessageParser(limits ?? IngestionLimits.Default, () => "generated-id");
        using var document = JsonDocument.Parse(json);
        return parser.Parse(document.RootElement, routeType, arrival ?? Arrival, index);
    }

    private static ValidationError Refused(string json, EventType? routeType = null)
    {
        var result = Parse(json, routeType);
        Assert.Null(result.Event);
        return Assert.IsType<ValidationError>(result.Error);
    }

    [Fact]
    public void A_timestamp_that_clock_skew_correction_would_push_past_year_9999_is_refused_on_timestamp()
    {
        var error = Refused("""{"type":"track","event":"E","userId":"u1","timestamp":"9999-12-31T23:00:00Z","sentAt":"2000-01-01T00:00:00Z"}""");

        Assert.Equal("timestamp", error.Field);
        Assert.Contains("between years 1 and 9999", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_track_becomes_an_event_with_its_payload_kept_verbatim()
    {
        const string json = """{"type":"track","event":"Order Completed","userId":"u1","anonymousId":"a1","messageId":"m1","timestamp":"2025-03-01T11:00:00Z","properties":{"revenue":10}}""";

        var result = Parse(json);

        Assert.Null(result.Error);
        var e = Assert.IsType<TailorEvent>(result.Event);
        Assert.Equal(new TailorEvent("m1", EventType.Track, "Order Completed", "u1", "a1",
            new DateTimeOffset(2025, 3, 1, 11, 0, 0, TimeSpan.Zero), Received, "src_1", json), e);
    }

    [Fact]
    public void Numeric_user_id_is_accepted_as_its_text()
    {
        var result = Parse("""{"type":"identify","userId":42}""");

        Assert.Equal("42", result.Event?.UserId);
    }

    [Theory]
    [InlineData("""{"type":"track","event":"x"}""")]
    [InlineData("""{"type":"track","event":"x","userId":null,"anonymousId":"  "}""")]
    public void Message_without_any_id_is_refused(string json)
    {
        var error = Refused(json);

        Assert.Equal("userId", error.Field);
        Assert.Equal("userId or anonymousId is required", error.Rule);
    }

    [Fact]
    public void Unknown_type_is_refused_naming_the_allowed_types()
    {
        var error = Refused("""{"type":"purchase","userId":"u1"}""");

        Assert.Equal(new ValidationError("type", "must be one of track, identify, page, screen, group, alias"), error);
    }

    [Fact]
    public void Batch_message_without_type_is_refused()
    {
        Assert.Equal(new ValidationError("type", "is required"), Refused("""{"userId":"u1"}"""));
    }

    [Fact]
    public void Route_type_applies_when_the_message_names_none()
    {
        var result = Parse("""{"userId":"u1","traits":{"plan":"pro"}}""", EventType.Identify);

        Assert.Equal(EventType.Identify, result.Event?.Type);
    }

    [Theory]
    [InlineData("""{"type":"track","userId":"u1"}""", "is required and must be a non-empty string")]
    [InlineData("""{"type":"track","userId":"u1","event":"  "}""", "is required and must be a non-empty string")]
    [InlineData("""{"type":"track","userId":"u1","event":7}""", "must be a string")]
    public void Track_without_event_name_is_refused(string json, string rule)
    {
        Assert.Equal(new ValidationError("event", rule), Refused(json));
    }

    [Fact]
    public void Alias_without_previous_id_is_refused()
    {
        Assert.Equal(new ValidationError("previousId", "is required for alias"), Refused("""{"type":"alias","userId":"u1"}"""));
    }

    [Fact]
    public void Alias_without_user_id_is_refused()
    {
        Assert.Equal(new ValidationError("userId", "is required for alias"),
            Refused("""{"type":"alias","anonymousId":"a1","previousId":"a0"}"""));
    }

    [Fact]
    public void Group_without_group_id_is_refused()
    {
        Assert.Equal(new ValidationError("groupId", "is required for group"), Refused("""{"type":"group","userId":"u1"}"""));
    }

    [Theory]
    [InlineData("timestamp", "\"yesterday\"")]
    [InlineData("timestamp", "1740830400")]
    [InlineData("sentAt", "\"2025-13-45T00:00:00Z\"")]
    public void Bad_date_is_refused(string field, string value)
    {
        var error = Refused($$"""{"type":"identify","userId":"u1","{{field}}":{{value}}}""");

        Assert.Equal(new ValidationError(field, "must be an ISO-8601 date-time string"), error);
    }

    [Theory]
    [InlineData("properties", "[1,2]")]
    [InlineData("traits", "\"vip\"")]
    [InlineData("context", "3")]
    [InlineData("integrations", "true")]
    public void Structured_field_that_is_not_an_object_is_refused(string field, string value)
    {
        var error = Refused($$"""{"type":"track","event":"x","userId":"u1","{{field}}":{{value}}}""");

        Assert.Equal(new ValidationError(field, "must be a JSON object"), error);
    }

    [Fact]
    public void Id_of_the_wrong_kind_or_too_long_is_refused()
    {
        Assert.Equal(new ValidationError("anonymousId", "must be a string"), Refused("""{"type":"identify","anonymousId":{"id":1}}"""));
        var longId = new string('x', MessageParser.MaxIdLength + 1);
        Assert.Equal(new ValidationError("userId", "must be at most 256 characters"), Refused($$"""{"type":"identify","userId":"{{longId}}"}"""));
        Assert.Equal(new ValidationError("messageId", "must be at most 256 characters"),
            Refused($$"""{"type":"identify","userId":"u1","messageId":"{{longId}}"}"""));
    }

    [Fact]
    public void Message_that_is_not_an_object_is_refused()
    {
        Assert.Equal(new ValidationError("message", "must be a JSON object"), Refused("[1]"));
    }

    [Fact]
    public void Message_of_exactly_32_KB_is_accepted_and_one_byte_more_is_refused()
    {
        static string OfSize(int bytes)
        {
            const string head = "{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u1\",\"properties\":{\"pad\":\"";
            const string tail = "\"}}";
            return head + new string('a', bytes - head.Length - tail.Length) + tail;
        }

        Assert.NotNull(Parse(OfSize(32 * 1024)).Event);
        var result = Parse(OfSize(32 * 1024 + 1));
        Assert.Equal(new ValidationError("message", "must be at most 32 KB"), result.Error);
    }

    [Fact]
    public void Error_of_a_batch_message_names_its_index()
    {
        var result = Parse("""{"type":"track","userId":"u1"}""", index: 3);

        Assert.Equal(3, result.Error?.Index);
        Assert.Equal("batch[3].event: is required and must be a non-empty string", result.Error?.ToString());
    }

    [Fact]
    public void Client_clock_skew_is_corrected_with_the_message_sent_at()
    {
        // The client's clock is 10 minutes fast: it says it sent at 12:10 what we received at 12:00.
        var result = Parse("""{"type":"identify","userId":"u1","timestamp":"2025-03-01T12:05:00Z","sentAt":"2025-03-01T12:10:00Z"}""");

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 55, 0, TimeSpan.Zero), result.Event?.Timestamp);
        Assert.Equal(Received, result.Event?.ReceivedAt);
    }

    [Fact]
    public void Envelope_sent_at_corrects_skew_when_the_message_has_none()
    {
        var arrival = Arrival with { EnvelopeSentAt = Received.AddMinutes(-30) }; // client clock 30 minutes slow
        var result = Parse("""{"type":"identify","userId":"u1","timestamp":"2025-03-01T11:00:00Z"}""", arrival: arrival);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 30, 0, TimeSpan.Zero), result.Event?.Timestamp);
    }

    [Fact]
    public void Message_sent_at_wins_over_the_envelope_sent_at()
    {
        var arrival = Arrival with { EnvelopeSentAt = Received.AddHours(-5) };
        var result = Parse("""{"type":"identify","userId":"u1","timestamp":"2025-03-01T11:00:00Z","sentAt":"2025-03-01T12:00:00Z"}""", arrival: arrival);

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 0, 0, TimeSpan.Zero), result.Event?.Timestamp);
    }

    [Fact]
    public void Timestamp_far_in_the_future_is_clamped_to_the_receive_time_keeping_the_original()
    {
        var result = Parse("""{"type":"identify","userId":"u1","timestamp":"9999-01-01T00:00:00Z","traits":{"consent":{"email":true}}}""");

        Assert.Equal(Received, result.Event?.Timestamp);
        using var payload = JsonDocument.Parse(result.Event!.Payload);
        Assert.Equal("9999-01-01T00:00:00Z", payload.RootElement.GetProperty("originalTimestamp").GetString());
        Assert.Equal("9999-01-01T00:00:00Z", payload.RootElement.GetProperty("timestamp").GetString());
        Assert.True(payload.RootElement.GetProperty("traits").GetProperty("consent").GetProperty("email").GetBoolean());
    }

    [Fact]
    public void Timestamp_in_the_future_after_skew_correction_is_clamped()
    {
        // The client's clock is right (sentAt = receive time), but it dates the event a day ahead.
        var result = Parse("""{"type":"track","event":"E","userId":"u1","timestamp":"2025-03-02T12:00:00Z","sentAt":"2025-03-01T12:00:00Z"}""");

        Assert.Equal(Received, result.Event?.Timestamp);
    }

    [Fact]
    public void Timestamp_within_the_tolerance_is_kept_and_the_message_is_untouched()
    {
        const string json = """{"type":"track","event":"E","userId":"u1","timestamp":"2025-03-01T12:04:00Z"}""";

        var result = Parse(json);

        Assert.Equal(Received.AddMinutes(4), result.Event?.Timestamp);
        Assert.Equal(json, result.Event?.Payload);
    }

    [Fact]
    public void Tolerance_is_configurable()
    {
        var result = Parse("""{"type":"track","event":"E","userId":"u1","timestamp":"2025-03-01T12:00:02Z"}""",
            limits: IngestionLimits.Default with { FutureTolerance = TimeSpan.FromSeconds(1) });

        Assert.Equal(Received, result.Event?.Timestamp);
    }

    [Fact]
    public void Client_originalTimestamp_is_kept_when_clamping()
    {
        var result = Parse("""{"type":"track","event":"E","userId":"u1","timestamp":"2030-01-01T00:00:00Z","originalTimestamp":"2029-01-01T00:00:00Z"}""");

        Assert.Equal(Received, result.Event?.Timestamp);
        using var payload = JsonDocument.Parse(result.Event!.Payload);
        Assert.Equal("2029-01-01T00:00:00Z", payload.RootElement.GetProperty("originalTimestamp").GetString());
    }

    [Fact]
    public void Event_without_timestamp_happened_when_received()
    {
        var result = Parse("""{"type":"identify","userId":"u1","sentAt":"2025-03-01T15:00:00Z"}""");

        Assert.Equal(Received, result.Event?.Timestamp);
    }

    [Fact]
    public void Timestamp_with_an_offset_keeps_its_instant()
    {
        var result = Parse("""{"type":"identify","userId":"u1","timestamp":"2025-03-01T13:00:00+02:00"}""");

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 0, 0, TimeSpan.Zero), result.Event?.Timestamp);
    }

    [Fact]
    public void Timestamp_without_an_offset_is_read_as_UTC_whatever_the_machine_time_zone()
    {
        var result = Parse("""{"type":"identify","userId":"u1","timestamp":"2025-03-01T11:00:00"}""");

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 0, 0, TimeSpan.Zero), result.Event?.Timestamp);
        Assert.Equal(TimeSpan.Zero, result.Event?.Timestamp.Offset);
    }

    [Theory]
    [InlineData("""{"type":"identify","userId":"u1"}""")]
    [InlineData("""{"type":"identify","userId":"u1","messageId":""}""")]
    [InlineData("""{"type":"identify","userId":"u1","messageId":null}""")]
    public void Missing_message_id_gets_a_generated_id(string json)
    {
        Assert.Equal("generated-id", Parse(json).Event?.MessageId);
    }

    [Fact]
    public void Message_id_of_the_wrong_kind_is_refused()
    {
        Assert.Equal(new ValidationError("messageId", "must be a string"), Refused("""{"type":"identify","userId":"u1","messageId":5}"""));
    }

    [Fact]
    public void Page_name_is_optional_and_kept()
    {
        Assert.Null(Parse("""{"type":"page","anonymousId":"a1"}""").Event?.Name);
        Assert.Equal("Pricing", Parse("""{"type":"page","anonymousId":"a1","name":"Pricing"}""").Event?.Name);
    }
}
