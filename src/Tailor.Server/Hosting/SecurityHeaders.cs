namespace Tailor.Server.Hosting;

/// <summary>
/// Headers every response gets (<c>X-Content-Type-Options: nosniff</c>), and those every HTML page gets on top
/// (unsubscribe pages, the reference page, any UI): a content security policy that allows only the node's own
/// scripts and styles, no framing, no referrer, and HSTS when the request came over HTTPS.
/// </summary>
internal static class SecurityHeaders
{
    /// <summary>The policy of HTML pages: nothing from elsewhere but images, nothing framed, forms only back to the node.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>
    /// The API reference page (<c>/reference</c>) starts its bundled viewer with an inline script the framework writes, so
    /// that one page also allows inline scripts; it takes no input and shows only the node's own OpenAPI document.
    /// </summary>
    public const string ReferencePagePolicy =
        "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; object-src 'none'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                if (http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    if (!headers.ContainsKey("Content-Security-Policy"))
                        headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/reference") ? ReferencePagePolicy : ContentSecurityPolicy;
                    headers.XFrameOptions = "DENY";
                    headers["Referrer-Policy"] = "no-referrer";
                    if (http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
                }
                return Task.CompletedTask;
            }, http);
            return next(http);
        });
        return app;
    }
}
