using Tailor.Server.Admin;
using Tailor.Server.Content;
using Tailor.Server.Privacy;
using Tailor.Server.Triggers;

namespace Tailor.Server.Hosting;

/// <summary>
/// Wires what guards a node's edges (docs/security.md): the webhook address policy and its HTTP client, identity
/// verification for <c>/v1/personalize</c>, CORS on the public <c>/v1</c> API, security headers, rate limits, and the <c>/api</c> guard (admin key
/// before the body, size, content type, JSON depth) with problem documents for every error status.
/// </summary>
public static class SecurityWiring
{
    /// <summary>
    /// The CORS policy of <c>/v1</c>: any origin, no credentials, GET and POST, and any request header — a page's
    /// analytics library may add its own (analytics-next's <c>deliveryStrategy.config.headers</c>), and with no
    /// credentials an extra header gives a page nothing it could not send without CORS (docs/browser.md).
    /// </summary>
    public const string PublicCorsPolicy = "tailor-public";

    public static IServiceCollection AddTailorSecurity(this IServiceCollection services, TailorServerOptions options)
    {
        services.AddSingleton(options.Security);
        services.AddSingleton(WebhookAddressPolicy.Parse(options.Security.WebhookAllow)); // a bad range stops the start with a clear message
        services.AddWebhookHttp();
        services.AddSingleton<IdentityVerification>();
        services.AddCors(cors => cors.AddPolicy(PublicCorsPolicy, policy => policy
            .AllowAnyOrigin() // the write key is public; cookies are never read, so no credentials
            .WithMethods("GET", "POST")
            .AllowAnyHeader()
            .WithExposedHeaders("Retry-After") // analytics-next reads it on a 429 to know when to retry
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        services.AddTailorRateLimits(options.Security.RateLimits);
        return services;
    }

    public static WebApplication UseTailorSecurity(this WebApplication app)
    {
        app.UseSecurityHeaders();
        // CORS before the rate limiter: a 429 (and its Retry-After) must be readable by the page that sent the request.
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseCors(PublicCorsPolicy));
        app.UseRateLimiter(); // before the key check, so a flood of bad keys is bounded too
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages(ApiStatusProblems.WriteAsync));
        app.UseTailorAudit(); // around the guard: refused keys are recorded too, and the entry names the key the guard identified
        app.UseMiddleware<AdminApiGuard>();
        return app;
    }
}
