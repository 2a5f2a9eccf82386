using Tailor.Application.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Server.Privacy;

/// <summary>
/// Writes an audit entry (<see cref="AuditTrail"/>) for every <c>/api</c> request that changes something, every read of a
/// profile or export of personal data, and every refused key — with the key, the action, the route's id, the answer
/// and the client's address. Runs around the <c>/api</c> guard, which leaves the key it identified in the request's
/// features; the entry is written once the request has been answered, so it records the outcome. A failure to write it is logged, never hidden.
/// </summary>
internal sealed class AuditRecorder(RequestDelegate next, AuditTrail trail, ILogger<AuditRecorder> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        try
        {
            await next(http);
        }
        finally
        {
            if (Audited(http)) await RecordAsync(http);
        }
    }

    /// <summary>Changes, reads of personal data, and refusals; other reads (definitions, status) are not personal and not recorded.</summary>
    private static bool Audited(HttpContext http)
    {
        var request = http.Request;
        if (http.Response.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden) return true;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return true;
        return request.Path.StartsWithSegments("/api/profiles") || request.Path.StartsWithSegments("/api/privacy")
            || request.Path.StartsWithSegments("/api/recommendations/profiles")
            || request.Path.StartsWithSegments("/api/audit") || request.Path.Value?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true;
    }

    private async Task RecordAsync(HttpContext http)
    {
        var key = http.Features.Get<AdminKey>();
        var target = http.Request.RouteValues.TryGetValue("id", out var id) ? id?.ToString() : null;
        try
        {
            await trail.RecordAsync(key?.Id ?? "anonymous", key?.Name ?? "", $"{http.Request.Method} {http.Request.Path}", target, http.Response.StatusCode,
                http.Connection.RemoteIpAddress?.ToString(), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Could not write the audit entry for {Method} {Path}", http.Request.Method, http.Request.Path);
        }
    }
}
