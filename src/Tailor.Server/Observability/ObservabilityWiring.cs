using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tailor.Server.Observability;

/// <summary>
/// Metrics and traces through OpenTelemetry (Tailor's <see cref="TailorMetrics"/> meter and activity source, ASP.NET
/// Core's request metrics and spans), the Prometheus scrape endpoint, logs as text or JSON lines, and the health
/// endpoints <c>/health/live</c> and <c>/health/ready</c> (docs/observability.md).
/// </summary>
public static class ObservabilityWiring
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>Console logs: single-line text, or one JSON object per line when <see cref="ObservabilityOptions.JsonLogs"/>.</summary>
    public static WebApplicationBuilder AddTailorLogging(this WebApplicationBuilder builder, ObservabilityOptions options)
    {
        if (options.JsonLogs) builder.Logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' "; });
        else builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        return builder;
    }

    public static IServiceCollection AddTailorObservability(this IServiceCollection services, ObservabilityOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<FollowerLagGauge>();
        services.AddHostedService<MembershipCounter>();
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService("tailor"));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(TailorMetrics.Name).AddAspNetCoreInstrumentation();
            if (options.Metrics) metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0); // each scrape sees the counts of now
            if (options.OtlpEndpoint is { Length: > 0 } otlp) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
        });
        if (options.Traces)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(TailorMetrics.Name).AddAspNetCoreInstrumentation(o =>
                    o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments(options.MetricsPath));
                if (options.OtlpEndpoint is { Length: > 0 } otlp) tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            });
        }
        return services;
    }

    /// <summary>The ingestion timer (after routing, so it knows the route), the scrape endpoint and the health endpoints.</summary>
    public static WebApplication UseTailorObservability(this WebApplication app, ObservabilityOptions options)
    {
        app.UseMiddleware<IngestionTiming>();
        app.Services.GetRequiredService<FollowerLagGauge>(); // the gauge exists from the start, not from its first resolution
        if (options.Metrics)
        {
            if (options.MetricsRequireAdminKey)
                app.UseWhen(http => http.Request.Path.StartsWithSegments(options.MetricsPath), scrape => scrape.UseMiddleware<MetricsGuard>());
            app.MapPrometheusScrapingEndpoint(options.MetricsPath);
        }
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = WriteAsync });
        return app;
    }

    /// <summary><c>{"status": "Healthy", "checks": {"ready": {"status": …, "description": …, "data": {follower: state}}}}</c>.</summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        return JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: http.RequestAborted);
    }
}
