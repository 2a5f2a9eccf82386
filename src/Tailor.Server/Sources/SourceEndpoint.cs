using System.Text;
using System.Text.Json;
using Tailor.Application.Sources;
using Tailor.Core.Events;
using Tailor.Core.Sources;
using Tailor.Core.Storage;
using Tailor.Core.TrackingPlans;
using Tailor.Server.Ingestion;
using Tailor.Server.TrackingPlans;

namespace Tailor.Server.Sources;

/// <summary>
/// Receives a webhook for a connector source (<c>POST /v1/sources/{id}</c>): the source's own signature is its only
/// authentication (the write key plays no part). In the order an attacker meets them: unknown source 404, paused 503,
/// over its rate 429, body over its limit 413, a signature that does not match 401 — nothing read further, nothing
/// stored. Then the payload is mapped, validated like a tracking call, checked against the tracking plan and written
/// through the group-commit writer; the 2xx comes after the durable commit. A signed payload that cannot be mapped is
/// set aside (202, with the dead letter's id) rather than refused, so the sender does not retry what will fail again.
/// </summary>
public sealed class SourceEndpoint(SourceDirectory directory, SourceRateLimiter limiter, SourceCounters counters, InboundMapper mapper, EventLogWriter writer,
    TrackingPlanGate trackingPlan, IDeadLetterStore deadLetters, ISourceStore store, TimeProvider time)
{
    public const string ShopifySignatureHeader = "X-Shopify-Hmac-Sha256";
    public const string ShopifyTopicHeader = "X-Shopify-Topic";
    public const string ShopifyWebhookIdHeader = "X-Shopify-Webhook-Id";

    public async Task<IResult> HandleAsync(HttpContext http, string id)
    {
        var ct = http.RequestAborted;
        var receivedAt = time.GetUtcNow();
        if (await directory.GetAsync(id, ct) is not { Kind: SourceKinds.Shopify or SourceKinds.Webhook } source)
            return Problem(StatusCodes.Status404NotFound, "No such source", "id", "must be the id of a shopify or webhook source");
        if (source.Paused)
        {
            http.Response.Headers.RetryAfter = "60";
            return Problem(StatusCodes.Status503ServiceUnavailable, "The source is paused", "source", "is paused: send again later");
        }
        if (!limiter.TryTake(source.Id, source.Settings.RatePerMinuteOrDefault, out var retryAfter))
        {
            counters.Throttled(source.Id);
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status429TooManyRequests, "Too many requests", "source", $"must send at most {source.Settings.RatePerMinuteOrDefault} requests a minute");
        }

        ReadOnlyMemory<byte>? read;
        try
        {
            read = await RequestBody.ReadAsync(http.Request, source.Settings.MaxBodyBytesOrDefault, ct);
        }
        catch (InvalidDataException)
        {
            return Problem(StatusCodes.Status400BadRequest, "The body is not valid gzip", "body", "must be valid gzip when Content-Encoding is gzip");
        }
        if (read is not { } body)
            return Problem(StatusCodes.Status413PayloadTooLarge, "The request is too large", "body", $"must be at most {source.Settings.MaxBodyBytesOrDefault / 1024} KB");

        var shopify = source.Kind == SourceKinds.Shopify;
        var header = shopify ? ShopifySignatureHeader : source.Settings.SignatureHeaderOrDefault;
        var verified = WebhookSignature.Verify(source.Secret, body.Span, http.Request.Headers[header].ToString(),
            shopify ? "base64" : source.Settings.SignatureEncodingOrDefault, shopify ? null : source.Settings.SignaturePrefix);
        if (!verified)
        {
            counters.Rejected(source.Id);
            return Problem(StatusCodes.Status401Unauthorized, "The signature does not match", header, "must be the HMAC-SHA256 of the body with the source's secret");
        }
        counters.Received(source.Id, receivedAt);
        if (!System.Text.Unicode.Utf8.IsValid(body.Span)) return Problem(StatusCodes.Status400BadRequest, "The body is not valid UTF-8", "body", "must be valid UTF-8");

        var text = Encoding.UTF8.GetString(body.Span);
        InboundPayload payload;
        if (shopify)
        {
            var topic = http.Request.Headers[ShopifyTopicHeader].ToString();
            var webhookId = http.Request.Headers[ShopifyWebhookIdHeader].ToString();
            if (topic.Length == 0) return Problem(StatusCodes.Status400BadRequest, "The topic is missing", ShopifyTopicHeader, "is required");
            if (webhookId.Length is 0 or > 200 || TextRules.Check(webhookId, strict: true) is not null)
                return Problem(StatusCodes.Status400BadRequest, "The webhook id is missing", ShopifyWebhookIdHeader, "is required: printable text of at most 200 characters");
            payload = new InboundPayload(source.Id, text, topic, webhookId, $"shopify-{webhookId}", receivedAt);
        }
        else
        {
            payload = new InboundPayload(source.Id, text, null, null, SourceDeadLetters.IdBase("body", text), receivedAt);
        }

        InboundBatch batch;
        try
        {
            batch = await mapper.MapAsync(source, payload, ct);
        }
        catch (MappingException e)
        {
            var letter = await deadLetters.AddDeadLetterAsync(SourceDeadLetters.For(payload, e, receivedAt), ct);
            await store.RecordErrorAsync(source.Id, letter.Reason, receivedAt, ct);
            return TypedResults.Accepted((string?)null, new SourceReceipt(true, 0, 0, DeadLetterId: letter.Id, Reason: letter.Reason));
        }
        if (batch.Ignored is { } ignored) return TypedResults.Ok(new SourceReceipt(true, 0, 0, Ignored: ignored));

        var plan = await trackingPlan.PlanAsync(ct);
        var events = new List<TailorEvent>(batch.Events.Count);
        var blocked = new List<BlockedMessage>();
        try
        {
            for (var i = 0; i < batch.Events.Count; i++)
            {
                var (pass, violations) = TrackingPlanGate.Apply(plan, batch.Events[i], JsonSerializer.SerializeToElement(batch.Messages[i]));
                if (pass is not null) events.Add(pass);
                else blocked.Add(new BlockedMessage(i, batch.Events[i].MessageId, (await trackingPlan.SetAsideAsync(batch.Events[i], violations!, ct)).Id, violations!));
            }
            var stored = await writer.WriteAsync(events, ct);
            var duplicates = stored.Count(isNew => !isNew);
            return TypedResults.Ok(new SourceReceipt(true, stored.Length - duplicates, duplicates, Blocked: blocked.Count == 0 ? null : blocked));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing acknowledged: the sender retries, and the derived messageIds make that safe.
            return TypedResults.Problem(title: "The event log is unavailable", detail: "Retry later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult Problem(int status, string title, string field, string rule) =>
        TypedResults.Problem(title: title, detail: $"{field}: {rule}", statusCode: status,
            extensions: new Dictionary<string, object?> { ["success"] = false, ["errors"] = new[] { new ValidationError(field, rule) } });
}
