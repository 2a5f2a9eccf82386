using Microsoft.AspNetCore.Http.Json;
using System.Text.Json.Serialization;
using Tailor.Application;
using Tailor.Application.Access;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Admin;
using Tailor.Server.Analytics;
using Tailor.Server.Campaigns;
using Tailor.Server.Cluster;
using Tailor.Server.Content;
using Tailor.Server.Dashboard;
using Tailor.Server.DeadLetters;
using Tailor.Server.Destinations;
using Tailor.Server.Experiments;
using Tailor.Server.Geo;
using Tailor.Server.Ingestion;
using Tailor.Server.Observability;
using Tailor.Server.Pipeline;
using Tailor.Server.Privacy;
using Tailor.Server.Profiles;
using Tailor.Server.Segments;
using Tailor.Server.Sources;
using Tailor.Server.Triggers;
using Tailor.Server.TrackingPlans;
using Tailor.Storage;

namespace Tailor.Server.Hosting;

/// <summary>Builds a Tailor node: opens the store, wires each area, maps every API area.</summary>
public static class TailorServer
{
    /// <param name="options">What the caller set; the <c>Tailor</c> configuration section is bound over it, and it is validated on start.</param>
    /// <param name="configure">Runs last: more services, or replacements (a fake clock, a fault probe).</param>
    public static Task<WebApplication> BuildAsync(TailorServerOptions options, CancellationToken cancellationToken, Action<WebApplicationBuilder>? configure = null) =>
        BuildAsync(options, null, cancellationToken, configure);

    /// <param name="configuration">When given, the node's whole configuration (<see cref="TailorConfiguration.Build"/>: the data directory's
    /// appsettings.json, the environment, flags) in place of the builder's defaults.</param>
    public static async Task<WebApplication> BuildAsync(TailorServerOptions options, IConfiguration? configuration, CancellationToken cancellationToken, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (configuration is not null)
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddConfiguration(configuration);
        }
        builder.AddTailorOptions(options);
        var (protection, createdKeyFile) = EncryptionAtRest.Open(options.Privacy, options.DataDirectory);
        var store = await TailorStores.OpenAsync(options.DataDirectory, options.Postgres, TimeProvider.System, protection, cancellationToken);
        await EnsureKeysAsync(store.Access, options, new IdSource(TimeProvider.System), TimeProvider.System, cancellationToken);
        if (options.FoldPartitions == 0) options.FoldPartitions = await store.Positions.FoldPartitionsAsync(cancellationToken); // as the store is

        builder.WebHost.UseUrls(options.Urls);
        builder.AddTailorLogging(options.Observability);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        AddHttp(builder.Services);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTailorStorage(store); // owned by the container from here: disposed after everything that uses it
        builder.Services.AddHostedService<DisabledDefinitions>();
        builder.Services.AddTailorFollowers(options);
        builder.Services.AddTailorIngestion(options);
        builder.Services.AddTailorGeo(options);
        builder.Services.AddTailorAdmin();
        builder.Services.AddTailorSecurity(options);
        builder.Services.AddTailorTrackingPlan();
        builder.Services.AddTailorProfiles(options);
        builder.Services.AddTailorSegments();
        builder.Services.AddTailorContent(options);
        builder.Services.AddTailorCampaigns(options);
        builder.Services.AddTailorTriggers(options);
        builder.Services.AddTailorDeadLetters();
        builder.Services.AddTailorAnalytics();
        builder.Services.AddTailorExperiments();
        builder.Services.AddTailorDestinations();
        builder.Services.AddTailorPrivacy(options.Privacy, options.DataDirectory);
        builder.Services.AddTailorEncryption();
        builder.Services.AddTailorSources();
        builder.Services.AddTailorOpenApi();
        builder.Services.AddTailorObservability(options.Observability);
        builder.Services.AddTailorDashboard(options.DataDirectory);
        configure?.Invoke(builder);

        var app = builder.Build();
        if (createdKeyFile is not null)
            app.Logger.LogWarning("Created the privacy key file {KeyFile} (mode 0600): personal data is encrypted under it. In production keep it outside the data directory and its backups (Tailor:Privacy:KeyFile; docs/security.md)", createdKeyFile);
        app.UseExceptionHandler();
        app.UseTailorSecurity();
        app.UseTailorObservability(options.Observability);
        app.UseTailorDashboard();
        app.MapGet("/health", (TailorDatabase s) => TypedResults.Ok(new { status = "ok", store = s.Kind }))
            .WithName("Health").WithSummary("200 when the node is ready");
        app.MapIngestionApi();
        var api = app.MapGroup("api"); // AdminApiGuard checks the admin key before anything is read
        api.MapProfilesApi();
        api.MapAdminApi();
        api.MapSegmentsApi();
        api.MapContentApi();
        api.MapCampaignsApi();
        app.MapPersonalizeApi();
        app.MapEmailTrackingApi();
        api.MapTriggersApi();
        api.MapTrackingPlanApi();
        api.MapDeadLettersApi();
        api.MapAnalyticsApi();
        app.MapExperimentsApi();
        api.MapExperimentAnalysisApi();
        app.MapDestinationsApi();
        api.MapAuditApi();
        api.MapPrivacyApi();
        api.MapEncryptionApi();
        api.MapSourcesApi();
        api.MapClusterApi();
        app.MapSourceReceiver();
        app.MapTailorOpenApi();
        app.MapTailorDashboard();
        await app.Services.GetRequiredService<TrackingPlanCache>().ReloadAsync(cancellationToken); // compiled before the first request
        return app;
    }

    /// <summary>JSON as the APIs answer it, and problem documents for errors (binding failures name the field and rule).</summary>
    private static void AddHttp(IServiceCollection services)
    {
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // Rules contain ">=" and quotes: keep them readable in responses (application/json, never inlined in HTML).
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        services.AddProblemDetails();
        // Binding failures throw so that BadRequestProblems can answer them with the field and rule, not an empty 400.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestProblems>();
    }

    /// <summary>Creates the default source and admin key from <c>TAILOR_WRITE_KEY</c> / <c>TAILOR_ADMIN_KEY</c> if missing.</summary>
    private static async Task EnsureKeysAsync(IAccessStore store, TailorServerOptions options, IdSource ids, TimeProvider time, CancellationToken ct)
    {
        // A key known in any state (rotated out, revoked) is never brought back by a restart with the old environment.
        if (!string.IsNullOrEmpty(options.WriteKey) && await store.FindWriteKeyAsync(options.WriteKey, ct) is null)
        {
            var name = await store.FindSourceByNameAsync("default", ct) is null ? "default" : $"default-{options.WriteKey[..Math.Min(6, options.WriteKey.Length)]}";
            await store.CreateSourceAsync(new Source(ids.NewShort("src"), name, options.WriteKey, time.GetUtcNow()), ct);
        }
        if (!string.IsNullOrEmpty(options.AdminKey) && !(await store.AdminKeyCredentialsAsync(ct)).Any(k => AccessSecrets.Matches(options.AdminKey, k.Credential)))
            await store.CreateAdminKeyAsync(new AdminKey(ids.New("key"), "default", time.GetUtcNow()), AccessSecrets.Credential(options.AdminKey), ct);
    }
}
