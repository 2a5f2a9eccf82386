namespace Tailor.Core.Sources;

/// <summary>The kinds of source (docs/connectors.md): where events come from besides the tracking API's write keys.</summary>
public static class SourceKinds
{
    /// <summary>A write-key source of the tracking API (<c>/v1/track</c>, <c>/v1/batch</c>); kept by the access store.</summary>
    public const string Tracking = "tracking";

    /// <summary>A shop's Shopify webhooks, verified by <c>X-Shopify-Hmac-Sha256</c> and mapped to the e-commerce spec.</summary>
    public const string Shopify = "shopify";

    /// <summary>Any JSON webhook, verified by an HMAC header and mapped by a declared <see cref="PayloadMapping"/>.</summary>
    public const string Webhook = "webhook";

    /// <summary>A PostgreSQL query pulled on a schedule with a cursor column, rows mapped like a webhook.</summary>
    public const string Postgres = "postgres";

    /// <summary>The kinds a connector source can have (not <see cref="Tracking"/>).</summary>
    public static IReadOnlyList<string> Connectors { get; } = [Shopify, Webhook, Postgres];

    public static bool IsConnector(string? kind) => kind is Shopify or Webhook or Postgres;
}
