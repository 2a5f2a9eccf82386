using Tailor.Application.Access;
using Tailor.Application.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Server.Dashboard;

/// <summary>
/// In front of every dashboard page marked <see cref="DashboardPageAttribute"/>: without a valid session the browser
/// is sent to the sign-in page; a key without the page's scope gets 403. Like the API's audit, every change (a
/// form posted), every read of a profile and every refusal is written to the audit trail with the key that did it.
/// </summary>
internal sealed class DashboardGuard(RequestDelegate next, DashboardSessions sessions, AuditTrail trail, Hosting.SecurityOptions security, ILogger<DashboardGuard> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<DashboardPageAttribute>() is not { } page)
        {
            await next(http);
            return;
        }
        if (await sessions.CurrentAsync(http) is not { } admin)
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await RecordAsync(http, null);
                return;
            }
            http.Response.Redirect("/sign-in?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
            return;
        }
        http.Features.Set(admin);
        // A posted form is bounded like an API body (TAILOR_API_MAX_BODY_BYTES): the framework reads it before the page runs.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = security.ApiMaxBodyBytes;
        if (page.Scope is { } scope && !AdminScopes.Allows(admin.Scopes, scope))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(Forbidden(scope, admin), http.RequestAborted);
            await RecordAsync(http, admin);
            return;
        }
        try
        {
            await next(http);
        }
        finally
        {
            if (Audited(http)) await RecordAsync(http, admin);
        }
    }

    /// <summary>Changes and reads of personal data, as the API records them; other pages show definitions and are not recorded.</summary>
    private static bool Audited(HttpContext http) =>
        !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method)
        || http.Request.Path.StartsWithSegments("/profiles") && http.Request.Path.Value!.Length > "/profiles/".Length
        || http.Request.Path.StartsWithSegments("/operations/audit");

    private async Task RecordAsync(HttpContext http, AdminKey? key)
    {
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

    private static string Forbidden(string scope, AdminKey admin) =>
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Not allowed · Tailor</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
        <body><main class="narrow" id="main"><h1>Not allowed</h1>
        <p>This page needs an admin key or a user role with the scope <code>{System.Net.WebUtility.HtmlEncode(scope)}</code>;
        <strong>{System.Net.WebUtility.HtmlEncode(admin.Name)}</strong> has <code>{System.Net.WebUtility.HtmlEncode(admin.Scopes)}</code>.</p>
        <p><a href="/">Back to the dashboard</a></p></main></body></html>
        """;
}
