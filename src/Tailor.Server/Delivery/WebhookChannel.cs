using System.Globalization;
using System.Net;
using System.Text;
using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using Tailor.Server.Triggers;
using Tailor.Application.Triggers;

namespace Tailor.Server.Delivery;

/// <summary>
/// POSTs a webhook through the <see cref="WebhookHttp"/> client (the address guard, no redirects, no proxy), signed
/// with the trigger's secret and carrying the delivery id as <c>Idempotency-Key</c>. 5xx, 408, 429, timeouts and
/// unreachable hosts may pass on a later try; any other answer, a redirect or a refused address will not. The consent
/// gate is consulted again before each try, with the profile's consent as it is then.
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory http, ITriggerStore store, TriggerEngine triggers, TimeProvider time, DeliveryConsent consent) : IDeliveryChannel
{
    public string Kind => WebhookPayload.KindName;

    public async Task<ChannelResult> SendAsync(ActionDelivery delivery, CancellationToken cancellationToken)
    {
        var payload = (WebhookPayload)DeliveryPayload.Read(delivery.Kind, delivery.Payload);
        // The webhook shares the profile's data: consent for its purpose as it is now, on every try.
        if (await consent.RefusalAsync(delivery.ProfileId, PurposeOf(delivery, payload), cancellationToken) is { } withdrawn) return ChannelResult.ConsentRefused(withdrawn);
        var secret = triggers.Catalog.ById(delivery.TriggerId)?.Stored.Secret ?? (await store.GetTriggerAsync(delivery.TriggerId, cancellationToken))?.Secret;
        if (secret is null) return ChannelResult.Dead("the trigger no longer exists, so the webhook cannot be signed");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, payload.Url) { Content = new StringContent(payload.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, payload.Body));
        request.Headers.Add(WebhookSignature.IdempotencyHeader, delivery.Id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(payload.Timeout);
        try
        {
            using var response = await http.CreateClient(WebhookHttp.ClientName).SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return ChannelResult.Sent($"webhook answered {status}");
            if (status is >= 300 and < 400) return ChannelResult.Dead($"webhook answered {status} (a redirect; redirects are not followed)");
            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return retry ? ChannelResult.Retry($"webhook answered {status}") : ChannelResult.Dead($"webhook answered {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ChannelResult.Retry("webhook timed out");
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookRefusedException refused)
        {
            return ChannelResult.Dead($"webhook refused: {refused.Message}"); // the address will not become public on a retry
        }
        catch (HttpRequestException ex)
        {
            return ChannelResult.Retry($"webhook unreachable: {ex.Message}");
        }
    }

    /// <summary>The purpose the row carries; for rows written before it did, the trigger step's (else the default).</summary>
    private string PurposeOf(ActionDelivery delivery, WebhookPayload payload)
    {
        if (payload.Purpose is { } purpose) return purpose;
        var stepId = delivery.Id[(delivery.Id.LastIndexOf(':') + 1)..];
        return triggers.Catalog.ById(delivery.TriggerId)?.Definition.Steps.OfType<Core.Triggers.ActionStep>()
            .FirstOrDefault(s => s.Id == stepId)?.Action.Purpose ?? Core.Triggers.WebhookAction.DefaultPurpose;
    }
}
