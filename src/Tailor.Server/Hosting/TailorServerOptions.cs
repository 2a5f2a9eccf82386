using Tailor.Core.Events;
using Tailor.Core.Profiles;

namespace Tailor.Server.Hosting;

/// <summary>
/// How one Tailor node runs. Bound from the <c>Tailor</c> configuration section (<c>appsettings.json</c>, environment
/// variables such as <c>Tailor__Urls</c>) over what the caller set (<c>tailor serve</c> sets its flags and
/// <c>TAILOR_*</c> variables; a key the section sets wins over them), and validated when the node starts
/// (<see cref="TailorServerOptionsValidator"/>).
/// </summary>
public sealed class TailorServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string Section = "Tailor";

    /// <summary>Directory of the SQLite file (default <c>./data</c>).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>PostgreSQL connection string; when set, PostgreSQL is used instead of SQLite.</summary>
    public string? Postgres { get; set; }

    /// <summary>Addresses to listen on, e.g. <c>http://127.0.0.1:8080</c> (default <c>http://127.0.0.1:5080</c>).</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>When set, a source named <c>default</c> with this write key exists after start (<c>TAILOR_WRITE_KEY</c>).</summary>
    public string? WriteKey { get; set; }

    /// <summary>When set, this admin key is accepted after start (<c>TAILOR_ADMIN_KEY</c>).</summary>
    public string? AdminKey { get; set; }

    /// <summary>SMTP server for outgoing email as <c>host:port</c> (<c>TAILOR_SMTP</c>); email actions fail clearly without it.</summary>
    public string? Smtp { get; set; }

    /// <summary>The URL people reach this node at, for links in emails (<c>TAILOR_PUBLIC_URL</c>); default: the address it listens on.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The From address of campaign emails that name none (<c>TAILOR_EMAIL_FROM</c>).</summary>
    public string EmailFrom { get; set; } = "Tailor <no-reply@tailor.localhost>";

    /// <summary>SMTP login and transport security, and DKIM signing (docs/email.md; <c>TAILOR_SMTP_*</c>, <c>TAILOR_DKIM_*</c>).</summary>
    public Messaging.EmailOptions Email { get; set; } = new();

    /// <summary>Campaign emails sent per second at most (<c>TAILOR_CAMPAIGN_RATE</c>, default 1000); 0 means no limit.</summary>
    public int CampaignRatePerSecond { get; set; } = 1000;
    /// <summary>
    /// Global frequency caps per channel that apply across every trigger, as <c>channel:max/per</c> comma-separated,
    /// e.g. <c>email:3/1d,webhook:20/1h</c> (<c>TAILOR_CAPS</c>). None by default.
    /// </summary>
    public string? Caps { get; set; }

    // Fresh instances, not the shared defaults: binding the section sets their properties in place.
    public IngestionLimits Limits { get; set; } = new();

    /// <summary>Limits on rules, triggers and templates people save (docs/rules.md); checked before saving and when loading.</summary>
    public Core.Limits.DefinitionLimits Definitions { get; set; } = new();

    /// <summary>What one render may cost (docs/content.md); past it, a preview fails clearly and a delivery falls back.</summary>
    public Core.Content.RenderBudget RenderBudget { get; set; } = new();

    public EngagementWeights Engagement { get; set; } = new();

    /// <summary>Merge guards and profile caps (<c>TAILOR_IGNORED_IDS</c>, <c>TAILOR_MAX_IDENTITIES</c>, <c>TAILOR_MAX_TRAITS</c>, <c>TAILOR_MAX_TRAIT_BYTES</c>).</summary>
    public ProfileLimits Profiles { get; set; } = new();

    /// <summary>Webhook reach, the public personalization API, admin API limits and key rotation (docs/security.md).</summary>
    public SecurityOptions Security { get; set; } = new();

    /// <summary>Geo from IP: the MaxMind database (<c>--geoip</c>) and IP truncation (docs/browser.md).</summary>
    public Core.Geo.GeoOptions Geo { get; set; } = new();

    /// <summary>The audit trail's retention (docs/privacy.md).</summary>
    public Tailor.Server.Privacy.PrivacyOptions Privacy { get; set; } = new();

    /// <summary>
    /// How many partitions the profile fold is split into by profile key (docs/scale.md): 1 folds whole; more runs an
    /// identity stage and that many partitions, spread over the cores and, in a cluster, over the nodes. Fixed for the
    /// life of the data once a store is split. 0, the default, runs the fold as the store has it (whole for a new one).
    /// </summary>
    public int FoldPartitions { get; set; }

    /// <summary>The background followers' failure policy and poll interval (docs/operations.md).</summary>
    public Pipeline.FollowerPolicy Followers { get; set; } = new();

    /// <summary>Several nodes on one PostgreSQL with RabbitMQ between them (docs/scale.md); off unless <c>Cluster:RabbitMq</c> is set.</summary>
    public Cluster.ClusterOptions Cluster { get; set; } = new();

    /// <summary>Metrics, traces, logs and the scrape endpoint (docs/observability.md).</summary>
    public Observability.ObservabilityOptions Observability { get; set; } = new();
}
