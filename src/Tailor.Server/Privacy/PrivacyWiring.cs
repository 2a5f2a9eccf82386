using Tailor.Application.Privacy;
using Tailor.Core.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>
/// Wires the audit trail (the use case, its retention, the recorder around the <c>/api</c> guard), data-subject requests
/// (export, erasure with its suppression entries, consent history) and event retention.
/// </summary>
public static class PrivacyWiring
{
    public static IServiceCollection AddTailorPrivacy(this IServiceCollection services, PrivacyOptions options, string dataDirectory = "data")
    {
        services.AddSingleton(options);
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<SubjectExport>();
        // The key ring (the key file or configuration, never the database), read once for everything keyed by it.
        services.AddSingleton(_ => Storage.Privacy.PrivacyKeyFile.Resolve(options.Keys, options.KeyFile, dataDirectory).Keys);
        services.AddSingleton<ISubjectHasher>(sp => new KeyRingSubjectHasher(new LookupHasher(sp.GetRequiredService<PrivacyKeyRing>())));
        services.AddSingleton<SuppressionFilter>();
        services.AddSingleton<IErasureListener, ErasureCacheEviction>();
        services.AddSingleton<SubjectErasure>();
        services.AddSingleton<ConsentHistory>();
        services.AddSingleton<EventRetention>();
        services.AddHostedService<AuditRetention>();
        services.AddHostedService<EventRetentionService>();
        return services;
    }

    public static WebApplication UseTailorAudit(this WebApplication app)
    {
        app.UseMiddleware<AuditRecorder>();
        return app;
    }
}
