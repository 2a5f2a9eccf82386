using Microsoft.AspNetCore.Http.Json;
using System.Text.Json.Serialization;
using Tailor.Core.Events;
using Tailor.Core.Messaging;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Core.Content;
using Tailor.Server.Admin;
using Tailor.Server.Campaigns;
using Tailor.Server.Content;
using Tailor.Server.DeadLetters;
using Tailor.Server.Ingestion;
using Tailor.Server.Messaging;
using Tailor.Server.Pipeline;
using Tailor.Server.Profiles;
using Tailor.Server.Segments;
using Tailor.Server.Triggers;
using Tailor.Server.TrackingPlans;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tailor.Core.Triggers;
using Tailor.Core.Segments;
using Tailor.Storage;
using Tailor.Application.DeadLetters;
using Tailor.Application;
using Tailor.Application.Pipeline;
using Tailor.Application.Segments;
using Tailor.Application.TrackingPlans;
using Tailor.Application.Triggers;

namespace Tailor.Server.Hosting;

/// <summary>Builds a Tailor node: opens the store, wires the services, maps every API area.</summary>
public static class TailorServer
{
    public static async Task<WebApplication> BuildAsync(TailorServerOptions options, CancellationToken cancellationToken, Action<WebApplicationBuilder>? configure = null)
    {
        var store = await TailorStores.OpenAsync(options.DataDirectory, options.Postgres, cancellationToken);
        await EnsureKeysAsync(store.Access, options, new IdSource(TimeProvider.System), TimeProvider.System, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // Rules contain ">=" and quotes: keep them readable in responses (application/json, never inlined in HTML).
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        builder.Services.AddProblemDetails();
        // Binding failures throw so that BadRequestProblems can answer them with the field and rule, not an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestProblems>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTailorStorage(store);
        builder.Services.AddSingleton(options.Limits);
        builder.Services.AddSingleton(options.Definitions);
        builder.Services.AddSingleton(options.RenderBudget);
        builder.Services.AddSingleton(new MessageParser(options.Limits, () => $"tailor-{Guid.CreateVersion7():N}"));
        builder.Services.AddSingleton(new ProfileReducer(options.Engagement) { Limits = options.Profiles });
        builder.Services.AddSingleton(sp => new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers, sp.GetRequiredService<ProfileReducer>(), sp.GetRequiredService<TimeProvider>(),
            () => $"prf_{Guid.CreateVersion7():N}", probe: sp.GetService<IStageProbe>()));
        builder.Services.AddSingleton<EventLogWriter>();
        builder.Services.AddSingleton<AccessKeys>();
        builder.Services.AddSingleton<IngestionEndpoint>();
        AddTrackingPlan(builder.Services, store);
        builder.Services.AddTailorSecurity(options);
        builder.Services.AddSingleton(sp => new SegmentEngine(store.Segments, store.Positions, store.Profiles, sp.GetRequiredService<TimeProvider>(), sp.GetService<IStageProbe>(), options.Definitions));
        builder.Services.AddSingleton<MembershipFeed>();
        builder.Services.AddSingleton<RecomputeTracker>();
        builder.Services.AddSingleton<IEmailSender>(options.Smtp is { Length: > 0 } smtp
            ? new SmtpEmailSender(SmtpEndpoint.Parse(smtp))
            : new UnconfiguredEmailSender());
        builder.Services.AddSingleton<LiquidEngine>();
        builder.Services.AddSingleton<ContentCatalog>();
        builder.Services.AddSingleton<PopularItemsSource>();
        builder.Services.AddSingleton<ProfileScopes>();
        builder.Services.AddSingleton<ContentRenderer>();
        builder.Services.AddSingleton<ProfileEventWriter>();
        builder.Services.AddSingleton<EmailLinks>();
        builder.Services.AddSingleton<CampaignEmails>();
        builder.Services.AddSingleton<CampaignStarter>();
        builder.Services.AddSingleton<CampaignSender>();
        if ((options.Definitions.Invalid() ?? options.RenderBudget.Invalid()) is { } badLimit) throw new ArgumentException(badLimit, nameof(options));
        var caps = GlobalCaps.Parse(options.Caps); // a bad cap stops the start with a clear message
        builder.Services.AddSingleton(sp => new TriggerEngine(store.Triggers, store.Segments, store.Profiles, store.Positions, store.Contacts, sp.GetRequiredService<TimeProvider>(), () => $"run_{Guid.CreateVersion7():N}", caps, sp.GetService<IStageProbe>()));
        builder.Services.AddSingleton(new RetryPolicy(new Random()));
        builder.Services.AddSingleton<DeliveryWorker>();
        builder.Services.AddSingleton<TriggerWorker>();
        builder.Services.AddFollowers();
        builder.Services.AddSegments().AddTriggers().AddMerges();
        configure?.Invoke(builder);

        var app = builder.Build();
        DisabledDefinitions.Report(app.Services);
        app.UseExceptionHandler();
        app.UseTailorSecurity();
        app.MapGet("/health", (ITailorStore s) => TypedResults.Ok(new { status = "ok", store = s.Kind }))
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
        await app.Services.GetRequiredService<TrackingPlanCache>().ReloadAsync(cancellationToken); // compiled before the first request
        _ = app.Services.GetRequiredService<MembershipFeed>(); // subscribes to the engine before the first change
        _ = app.Services.GetRequiredService<ProfileScopes>(); // subscribes to profile and membership changes before the first one

        app.Lifetime.ApplicationStopped.Register(() =>
        {
            // The writer drains before the store closes, so nothing acknowledged is left behind.
            app.Services.GetRequiredService<EventLogWriter>().DisposeAsync().AsTask().GetAwaiter().GetResult();
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        return app;
    }

    /// <summary>The tracking plan: its compiled snapshot, the ingestion gate, the editor (API) and the dead-letter replay of blocked events.</summary>
    private static void AddTrackingPlan(IServiceCollection services, TailorDatabase store)
    {
        services.AddSingleton<TrackingPlanCache>();
        services.AddSingleton<TrackingPlanGate>();
        services.AddSingleton(sp => new TrackingPlanEditor(store.TrackingPlan, store.Access, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IDeadLetterReplayer, TrackingPlanReplayer>();
    }

    /// <summary>Creates the default source and admin key from <c>TAILOR_WRITE_KEY</c> / <c>TAILOR_ADMIN_KEY</c> if missing.</summary>
    private static async Task EnsureKeysAsync(IAccessStore store, TailorServerOptions options, IdSource ids, TimeProvider time, CancellationToken ct)
    {
        // A key known in any state (rotated out, revoked) is never brought back by a restart with the old environment.
        if (!string.IsNullOrEmpty(options.WriteKey) && await store.FindWriteKeyAsync(options.WriteKey, ct) is null)
        {
            var name = await store.FindSourceByNameAsync("default", ct) is null ? "default" : $"default-{options.WriteKey[..Math.Min(6, options.WriteKey.Length)]}";
            await store.CreateSourceAsync(new Source(ids.New("src"), name, options.WriteKey, time.GetUtcNow()), ct);
        }
        if (!string.IsNullOrEmpty(options.AdminKey) && await store.FindAdminKeyAsync(AccessKeys.Hash(options.AdminKey), ct) is null)
            await store.CreateAdminKeyAsync(new AdminKey(ids.New("key"), "default", time.GetUtcNow()), AccessKeys.Hash(options.AdminKey), ct);
    }
}
