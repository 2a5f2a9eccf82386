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
    /// <summary>The CORS policy of <c>/v1</c>: any origin, no credentials, the methods and headers tracking and personalize use.</summary>
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
            .WithHeaders("Authorization", "Content-Type", "Content-Encoding", "Accept-Language")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        services.AddTailorRateLimits(options.Security.RateLimits);
        return services;
    }

    public static WebApplication UseTailorSecurity(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseRateLimiter(); // before the key check, so a flood of bad keys is bounded too
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseCors(PublicCorsPolicy));
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages(ApiStatusProblems.WriteAsync));
        app.UseTailorAudit(); // around the guard: refused keys are recorded too, and the entry names the key the guard identified
        app.UseMiddleware<AdminApiGuard>();
        return app;
    }
}
