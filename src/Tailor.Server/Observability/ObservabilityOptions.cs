namespace Tailor.Server.Observability;

/// <summary>Metrics, traces and logs (docs/observability.md); bound from <c>Tailor:Observability</c>.</summary>
public sealed class ObservabilityOptions
{
    /// <summary>Serve the Prometheus scrape endpoint at <see cref="MetricsPath"/> (default true).</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>Where Prometheus scrapes (default <c>/metrics</c>).</summary>
    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>The scrape endpoint asks for an admin key (<c>Authorization: Bearer</c>) unless this is false (default true).</summary>
    public bool MetricsRequireAdminKey { get; set; } = true;

    /// <summary>Write logs as one JSON object per line (for a log shipper) instead of single-line text (default false).</summary>
    public bool JsonLogs { get; set; }

    /// <summary>
    /// An OpenTelemetry collector to push traces and metrics to over OTLP, e.g. <c>http://127.0.0.1:4317</c> (gRPC);
    /// none by default (metrics are still scraped at <see cref="MetricsPath"/>).
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Collect traces (OpenTelemetry activities of requests and of Tailor's own spans) (default true).</summary>
    public bool Traces { get; set; } = true;
}
