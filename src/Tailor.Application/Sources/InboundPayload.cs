namespace Tailor.Application.Sources;

/// <summary>
/// One payload a source brought, as held for mapping (and, when it cannot be mapped, in its dead letter for replay).
/// </summary>
/// <param name="Body">The JSON text: a webhook body or a pulled row.</param>
/// <param name="Topic">Shopify's <c>X-Shopify-Topic</c>.</param>
/// <param name="WebhookId">Shopify's <c>X-Shopify-Webhook-Id</c>.</param>
/// <param name="IdBase">What messageIds derive from when the mapping gives none (a hash of the body, or of the row's key and cursor).</param>
/// <param name="ReceivedAt">When it arrived (a replay keeps it, so skew correction and clamping are as they were).</param>
public sealed record InboundPayload(string SourceId, string Body, string? Topic, string? WebhookId, string IdBase, DateTimeOffset ReceivedAt);
