using System.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace Tailor.Server.Observability;

/// <summary>
/// Times tracking requests (the routes named <c>Ingest…</c>) from arrival to answer into
/// <see cref="TailorMetrics.IngestionDuration"/>, tagged by route name: in one place, so the ingestion handler stays
/// about ingestion. Each is also a <c>tailor.ingest</c> span (a child of ASP.NET Core's request span).
/// </summary>
internal sealed class IngestionTiming(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var name = http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (name is null || !name.StartsWith("Ingest", StringComparison.Ordinal))
        {
            await next(http);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        using var activity = TailorMetrics.ActivitySource.StartActivity("tailor.ingest");
        activity?.SetTag("tailor.route", name);
        try
        {
            await next(http);
        }
        finally
        {
            TailorMetrics.Elapsed(TailorMetrics.IngestionDuration, started, "route", name);
        }
    }
}
