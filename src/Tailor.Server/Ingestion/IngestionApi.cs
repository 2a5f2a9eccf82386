using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Geo;
using Tailor.Core.TrackingPlans;
using Tailor.Server.Admin;
using Tailor.Server.Hosting;
using Tailor.Server.TrackingPlans;

namespace Tailor.Server.Ingestion;

/// <summary>
/// The Segment-compatible tracking API: <c>/v1/track</c>, <c>/v1/identify</c>, ... and <c>/v1/batch</c>, with the
/// one-letter aliases some clients use. Authenticated by the source's write key (HTTP Basic username, or
/// <c>writeKey</c> in the body). A 2xx is sent only after the events are durably in the log.
/// </summary>
public static class IngestionApi
{
    public static IEndpointRouteBuilder MapIngestionApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("v1").WithTags("Ingestion");
        foreach (var (type, path, alias) in Routes)
        {
            var routeType = type;
            v1.MapPost(path, (HttpContext http, IngestionEndpoint endpoint) => endpoint.HandleAsync(http, routeType))
                .WithName($"Ingest{path}").WithSummary($"Send {(type is null ? "a batch of messages" : $"one {path} message")} (Segment HTTP API)")
                .WithTrackingBody(type is null);
            v1.MapPost(alias, (HttpContext http, IngestionEndpoint endpoint) => endpoint.HandleAsync(http, routeType))
                .WithName($"Ingest{alias}").ExcludeFromDescription();
        }
        v1.MapPost("import", (HttpContext http, IngestionEndpoint endpoint) => endpoint.HandleAsync(http, null))
            .WithName("IngestImport").WithSummary("Send a batch of historical messages (same as /v1/batch)").WithTrackingBody(batch: true);
        v1.MapPixelApi();
        return app;
    }

    private static readonly (EventType? Type, string Path, string Alias)[] Routes =
    [
        (EventType.Track, "track", "t"),
        (EventType.Identify, "identify", "i"),
        (EventType.Page, "page", "p"),
        (EventType.Screen, "screen", "s"),
        (EventType.Group, "group", "g"),
        (EventType.Alias, "alias", "a"),
        (null, "batch", "b"),
    ];
}

/// <summary>Handles one tracking request: read, authenticate, validate each message, log the good ones.</summary>
public sealed class IngestionEndpoint(AccessKeys keys, EventLogWriter writer, MessageParser parser, IngestionLimits limits, TrackingPlanGate trackingPlan, TimeProvider time,
    GeoEnrichment geo, Application.Sources.SourcePolicies policies)
{
    public async Task<IResult> HandleAsync(HttpContext http, EventType? routeType)
    {
        var ct = http.RequestAborted;
        ReadOnlyMemory<byte>? body;
        try
        {
            body = await RequestBody.ReadAsync(http.Request, limits.MaxBatchBytes, ct);
        }
        catch (InvalidDataException)
        {
            return Problem(StatusCodes.Status400BadRequest, "The body is not valid gzip", [new("body", "must be valid gzip when Content-Encoding is gzip")]);
        }
        if (body is null)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "The request is too large",
                [new("body", $"must be at most {limits.MaxBatchBytes / 1024} KB per request")]);
        }
        return await IngestAsync(http, body.Value, routeType, fromDevice: false);
    }

    /// <summary>
    /// Authenticates, validates, enriches (geo from IP) and logs the message(s) of <paramref name="body"/>, as the
    /// JSON endpoints and the pixel (<see cref="PixelApi"/>) share them. The answer is <c>Ok&lt;IngestionResponse&gt;</c> or a problem.
    /// </summary>
    /// <param name="fromDevice">The request comes from the person's device (the pixel): its address may be looked up.</param>
    public async Task<IResult> IngestAsync(HttpContext http, ReadOnlyMemory<byte> body, EventType? routeType, bool fromDevice)
    {
        var ct = http.RequestAborted;
        var receivedAt = time.GetUtcNow();
        var remote = http.Connection.RemoteIpAddress;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "The body is not valid JSON", [new("body", $"must be valid JSON ({ex.Message})")]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Problem(StatusCodes.Status400BadRequest, "The body must be a JSON object", [new("body", "must be a JSON object")]);

            var writeKey = AccessKeys.BasicUser(http.Request) ?? BodyWriteKey(root);
            var source = await keys.SourceAsync(writeKey, ct);
            if (source is null)
            {
                return Problem(StatusCodes.Status401Unauthorized, writeKey is null ? "A write key is required" : "Unknown write key",
                    [new("writeKey", "must be the write key of a source, as the HTTP Basic username or the body's writeKey")]);
            }

            var events = new List<TailorEvent>();
            var errors = new List<ValidationError>();
            var blocked = new List<(int? Index, TailorEvent Event, IReadOnlyList<SchemaViolation> Violations)>();
            var plan = await trackingPlan.PlanAsync(ct);
            void Accept(TailorEvent e, JsonElement message, int? index)
            {
                var (pass, violations) = TrackingPlanGate.Apply(plan, e, message);
                if (pass is not null) events.Add(pass);
                else blocked.Add((index, e, violations!));
            }
            if (routeType is { } type)
            {
                var result = parser.Parse(root, type, new MessageParser.Arrival(source.Id, receivedAt));
                if (result.Error is { } error)
                {
                    // Only the message size limit is a 413; an over-long id ("must be at most 256 characters") is a 400.
                    var status = error.Field == "message" && error.Rule.StartsWith("must be at most", StringComparison.Ordinal)
                        ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
                    return Problem(status, "The message is invalid", [error]);
                }
                Accept(geo.Enrich(result.Event!, remote, fromDevice), root, null);
            }
            else
            {
                if (!root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
                    return Problem(StatusCodes.Status400BadRequest, "The batch is missing", [new("batch", "is required and must be an array of messages")]);
                DateTimeOffset? envelopeSentAt = root.TryGetProperty("sentAt", out var s) && s.ValueKind == JsonValueKind.String && s.TryGetDateTimeOffset(out var sentAt) ? sentAt : null;
                var arrival = new MessageParser.Arrival(source.Id, receivedAt, envelopeSentAt);
                var index = 0;
                foreach (var message in batch.EnumerateArray())
                {
                    var result = parser.Parse(message, null, arrival, index);
                    if (result.Error is { } error) errors.Add(error);
                    else Accept(geo.Enrich(result.Event!, remote, fromDevice), message, index);
                    index++;
                }
                if (events.Count == 0 && blocked.Count == 0 && errors.Count > 0)
                    return Problem(StatusCodes.Status400BadRequest, "Every message in the batch is invalid", errors);
            }

            bool[] stored;
            var setAside = blocked.Count == 0 ? null : new List<BlockedMessage>(blocked.Count);
            try
            {
                // Blocked events are durable in the dead-letter store, like the others in the log, before any 2xx.
                foreach (var (index, e, violations) in blocked)
                    setAside!.Add(new BlockedMessage(index, e.MessageId, (await trackingPlan.SetAsideAsync(e, violations, ct)).Id, violations));
                // The source's privacy policy (docs/privacy.md): pseudonymous or dropped without analytics consent, allow/deny lists.
                events = await policies.ApplyAsync(source.Id, events, ct);
                stored = await writer.WriteAsync(events, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing was acknowledged, so the client retries; dedupe by messageId makes that safe.
                return TypedResults.Problem(title: "The event log is unavailable", detail: "Retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            var duplicates = 0;
            foreach (var isNew in stored) if (!isNew) duplicates++;
            Observability.TailorMetrics.Ingested(events.Count - duplicates, duplicates, errors.Count, blocked.Count);
            return TypedResults.Ok(new IngestionResponse(true, events.Count - duplicates, duplicates, errors.Count == 0 ? null : errors, setAside));
        }
    }

    /// <summary>The body's <c>writeKey</c>; a key that is not valid text is a wrong key ("" matches no source), not a crash.</summary>
    private static string? BodyWriteKey(JsonElement root)
    {
        if (!root.TryGetProperty("writeKey", out var key) || key.ValueKind != JsonValueKind.String) return null;
        try
        {
            return key.GetString() is { } text && TextRules.Check(text, strict: true) is null ? text : "";
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    private static ProblemHttpResult Problem(int status, string title, List<ValidationError> errors) =>
        TypedResults.Problem(
            title: title,
            detail: string.Join("; ", errors.Take(10)),
            statusCode: status,
            extensions: new Dictionary<string, object?> { ["success"] = false, ["errors"] = errors });
}

/// <summary>The answer to a tracking request. <c>success</c> is what Segment clients look at.</summary>
/// <param name="Accepted">Messages newly logged.</param>
/// <param name="Duplicates">Messages whose messageId was already logged; counted once, as promised.</param>
/// <param name="Rejected">Messages of a batch that were refused, by index, with field and rule.</param>
/// <param name="Blocked">Messages the source's tracking plan blocked: set aside as dead letters, not logged.</param>
public sealed record IngestionResponse(bool Success, int Accepted, int Duplicates, IReadOnlyList<ValidationError>? Rejected, IReadOnlyList<BlockedMessage>? Blocked = null);

