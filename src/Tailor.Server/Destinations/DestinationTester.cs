using System.Buffers;
using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Server.Destinations;

/// <summary>
/// <c>POST /api/destinations/{id}/test</c> and <c>tailor destinations test</c>: tries a destination once with a sample,
/// moving no position. Forwarding maps the sample (a Segment message; a made-up Order Completed when none is
/// given) and posts it; audience sync posts an add of a sample member; an export writes and removes a probe file, or
/// connects and creates its schema.
/// </summary>
public sealed class DestinationTester(BatchDelivery delivery, MessageParser parser, TimeProvider time)
{
    public async Task<DestinationTestResult> TestAsync(Destination d, JsonElement? sample, CancellationToken ct)
    {
        switch (d.Kind)
        {
            case DestinationKinds.Segment:
            {
                var message = sample is { ValueKind: JsonValueKind.Object } given ? given : SampleMessage(time.GetUtcNow());
                var parsed = parser.Parse(message, null, new MessageParser.Arrival("test", time.GetUtcNow()));
                if (parsed.Event is not { } e) return new(false, $"sample.{parsed.Error?.Field}: {parsed.Error?.Rule}", null, null);
                var selection = new EventSelection(d.Settings);
                var selected = selection.Selects(e, message);
                var buffer = new ArrayBufferWriter<byte>();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    w.WriteStartArray("batch");
                    selection.Write(w, e, message);
                    w.WriteEndArray();
                    w.WriteString("sentAt", time.GetUtcNow());
                    w.WriteEndObject();
                }
                var body = buffer.WrittenSpan.ToArray();
                var error = await delivery.TrySendAsync(d, body, ct);
                return new(error is null, error, selected, System.Text.Encoding.UTF8.GetString(body));
            }
            case DestinationKinds.Audience:
            {
                var profile = new Profile { Id = "prf_test", CreatedAt = time.GetUtcNow(), Identities = [new ProfileIdentifier(IdentityTypes.Email, "test@example.com"), new ProfileIdentifier(IdentityTypes.UserId, "test-user")] };
                var buffer = new ArrayBufferWriter<byte>();
                using (var w = new Utf8JsonWriter(buffer))
                {
                    w.WriteStartObject();
                    w.WriteBoolean("test", true);
                    w.WriteStartObject("audience");
                    w.WriteString("destinationId", d.Id);
                    w.WriteString("segmentId", d.Settings.SegmentId);
                    w.WriteEndObject();
                    w.WriteStartArray("add");
                    AudienceSync.WriteMember(w, profile.Id, profile);
                    w.WriteEndArray();
                    w.WriteStartArray("remove");
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                var body = buffer.WrittenSpan.ToArray();
                var error = await delivery.TrySendAsync(d, body, ct);
                return new(error is null, error, null, System.Text.Encoding.UTF8.GetString(body));
            }
            case DestinationKinds.Parquet:
                try
                {
                    Directory.CreateDirectory(d.Settings.Directory!);
                    var probe = Path.Combine(d.Settings.Directory!, $".tailor-test-{Guid.NewGuid():N}.tmp");
                    await File.WriteAllTextAsync(probe, "probe", ct);
                    File.Delete(probe);
                    return new(true, null, null, null);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return new(false, e.Message, null, null);
                }
            case DestinationKinds.Postgres:
                try
                {
                    await using var c = new Npgsql.NpgsqlConnection(d.Settings.ConnectionString);
                    await c.OpenAsync(ct);
                    return new(true, null, null, null);
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or ArgumentException or InvalidOperationException)
                {
                    return new(false, e.Message, null, null);
                }
            default:
                return new(true, null, null, null);
        }
    }

    private static JsonElement SampleMessage(DateTimeOffset now) => JsonDocument.Parse($$"""
        {"type":"track","event":"Order Completed","userId":"test-user","messageId":"test-{{now.ToUnixTimeMilliseconds()}}","timestamp":"{{now:O}}",
         "properties":{"order_id":"T-1","revenue":42.5,"currency":"EUR"} }
        """).RootElement.Clone();
}
