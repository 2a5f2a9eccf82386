using Tailor.Server.Admin;

namespace Tailor.Server.Observability;

/// <summary>In front of the scrape endpoint when <see cref="ObservabilityOptions.MetricsRequireAdminKey"/>: an admin key, or a 401 problem.</summary>
internal sealed class MetricsGuard(RequestDelegate next, AccessKeys keys)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (await keys.AdminAsync(AccessKeys.BearerToken(http.Request), http.RequestAborted) is null)
        {
            await TypedResults.Problem(title: "An admin key is required", statusCode: StatusCodes.Status401Unauthorized,
                detail: "Send 'Authorization: Bearer <admin key>', or set Tailor:Observability:MetricsRequireAdminKey=false for an open scrape endpoint.",
                extensions: new Dictionary<string, object?> { ["errors"] = new[] { new Core.Events.ValidationError("Authorization", "must be a valid admin key") } })
                .ExecuteAsync(http);
            return;
        }
        await next(http);
    }
}
