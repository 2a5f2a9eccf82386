namespace Tailor.Server.Hosting;

/// <summary>
/// What a node lets in and out: webhook reach, the public personalization API, admin API limits and key rotation.
/// Every default is documented in docs/security.md.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>The largest <c>/api</c> request body (default 1 MiB, <c>TAILOR_API_MAX_BODY_BYTES</c>); larger ones get 413.</summary>
    public long ApiMaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How deeply an <c>/api</c> JSON body may nest objects and arrays (default 64, <c>TAILOR_API_MAX_JSON_DEPTH</c>).</summary>
    public int ApiMaxJsonDepth { get; set; } = 64;

    /// <summary>How long a rotated admin or write key keeps working beside its successor (default 24 h, <c>TAILOR_KEY_GRACE</c>).</summary>
    public TimeSpan KeyRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// CIDR ranges (or single addresses) webhooks may reach although they are loopback, private or otherwise special
    /// (<c>--webhook-allow</c>, repeatable; <c>TAILOR_WEBHOOK_ALLOW</c>, comma-separated). None by default.
    /// </summary>
    public List<string> WebhookAllow { get; set; } = [];

    /// <summary>
    /// The identity verification secret <c>/v1/personalize</c> checks <c>userHash</c> with (<c>TAILOR_IDENTITY_SECRET</c>);
    /// when unset, one is generated on the first start and kept in the store.
    /// </summary>
    public string? IdentitySecret { get; set; }

    /// <summary>
    /// Debug mode for <c>/v1/personalize</c> (<c>--personalize-debug</c>, <c>TAILOR_PERSONALIZE_DEBUG=true</c>; off by default):
    /// answers say why a variant was chosen. Never on a public site: the reason names rules, traits and segments.
    /// </summary>
    public bool PersonalizeDebug { get; set; }

    /// <summary>Requests per key and per client address (docs/security.md, "Rate limits").</summary>
    public RateLimitOptions RateLimits { get; set; } = new();
}
