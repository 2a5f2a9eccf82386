using Tailor.Application.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>Wires the audit trail: the use case, its retention, and the recorder in front of <c>/api</c> (after the guard).</summary>
public static class PrivacyWiring
{
    public static IServiceCollection AddTailorPrivacy(this IServiceCollection services, PrivacyOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AuditTrail>();
        services.AddHostedService<AuditRetention>();
        return services;
    }

    public static WebApplication UseTailorAudit(this WebApplication app)
    {
        app.UseMiddleware<AuditRecorder>();
        return app;
    }
}
