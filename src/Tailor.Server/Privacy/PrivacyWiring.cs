using Tailor.Application.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>Wires the audit trail (the use case, its retention, the recorder around the <c>/api</c> guard) and data-subject requests.</summary>
public static class PrivacyWiring
{
    public static IServiceCollection AddTailorPrivacy(this IServiceCollection services, PrivacyOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<SubjectExport>();
        services.AddHostedService<AuditRetention>();
        return services;
    }

    public static WebApplication UseTailorAudit(this WebApplication app)
    {
        app.UseMiddleware<AuditRecorder>();
        return app;
    }
}
