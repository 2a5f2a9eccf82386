using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Limits;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Profiles;
using Tailor.Application.Triggers;
using Tailor.Server.Hosting;

namespace Tailor.Server.Triggers;

/// <summary>
/// Triggers (admin key): create and validate (errors name the JSON path), enable and disable, a dry run against a
/// profile, runs with their execution log, and the dead-letter list with retry.
/// </summary>
public static class TriggersApi
{
    public static RouteGroupBuilder MapTriggersApi(this RouteGroupBuilder api)
    {
        var triggers = api.MapGroup("triggers").WithTags("Triggers");
        triggers.MapPost("", CreateAsync).WithName("CreateTrigger").WithSummary("Create a trigger from its definition (docs/triggers.md); 400 names the JSON path of an error");
        triggers.MapGet("", ListAsync).WithName("ListTriggers").WithSummary("Every trigger");
        triggers.MapPost("validate", Validate).WithName("ValidateTrigger").WithSummary("Check a definition without saving it");
        triggers.MapGet("caps", (TriggerEngine engine) => TypedResults.Ok(engine.GlobalCaps.Select(c => new { c.Channel, c.Max, Per = Durations.Format(c.Per), Text = c.ToString() }).ToArray()))
            .WithName("GlobalCaps").WithSummary("The global frequency caps per channel that apply across triggers");
        triggers.MapGet("dead-letters", DeadLettersAsync).WithName("ListDeadLetters").WithSummary("Deliveries that failed their last try, newest first");
        triggers.MapPost("dead-letters/{deliveryId}/retry", RetryAsync).WithName("RetryDeadLetter").WithSummary("Put a dead letter back in the outbox for another round of tries");
        triggers.MapGet("{id}", GetAsync).WithName("GetTrigger").WithSummary("A trigger by id or name");
        triggers.MapPost("{id}/enable", (string id, ITailorStore store, TriggerEngine engine, TriggerWorker worker, TimeProvider time, CancellationToken ct) =>
            SetEnabledAsync(id, true, store, engine, worker, time, ct)).WithName("EnableTrigger").WithSummary("Let profiles enter the trigger");
        triggers.MapPost("{id}/disable", (string id, ITailorStore store, TriggerEngine engine, TriggerWorker worker, TimeProvider time, CancellationToken ct) =>
            SetEnabledAsync(id, false, store, engine, worker, time, ct)).WithName("DisableTrigger").WithSummary("Stop entries; waiting runs exit when their timer falls due");
        triggers.MapPost("{id}/test", TestAsync).WithName("TestTrigger").WithSummary("What would happen if a profile entered now (dry run: nothing is stored or sent)");
        triggers.MapGet("{id}/stats", async Task<Results<Ok<TriggerStats>, NotFound>> (string id, TriggerEngine engine, ITailorStore store, CancellationToken ct) =>
            await FindAsync(id, engine, store, ct) is { } t ? TypedResults.Ok(await store.TriggerStatsAsync(t.Id, ct)) : TypedResults.NotFound())
            .WithName("TriggerStats").WithSummary("How many runs wait, completed or exited, and how many deliveries are pending, sent or dead");
        triggers.MapGet("{id}/runs", RunsAsync).WithName("ListTriggerRuns").WithSummary("Runs, newest first, with outcome and execution log");
        return api;
    }

    /// <param name="Secret">The webhook signing secret: only in the answer that created the trigger, never again.</param>
    /// <param name="Disabled">Why a stored trigger cannot be loaded (it then never runs); absent for a loaded one.</param>
    public sealed record TriggerView(string Id, string Name, bool Enabled, JsonElement Definition, string? Secret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        string? Disabled = null);

    public sealed record RunView(string Id, string ProfileId, string Status, string? Step, DateTimeOffset EnteredAt, DateTimeOffset? DueAt, string? WaitingFor,
        string? Outcome, DateTimeOffset? EndedAt, IReadOnlyList<LogView> Log);

    public sealed record LogView(DateTimeOffset At, string? Step, string Kind, string Detail);

    public sealed record RunsView(string TriggerId, string Name, IReadOnlyList<RunView> Runs);

    public sealed record TestRequest(string? ProfileId, JsonElement? Event);

    public sealed record DryRunView(string ProfileId, string Status, string? Outcome, IReadOnlyList<LogView> Steps);

    public sealed record DeadLetterView(string Id, string TriggerId, string RunId, string ProfileId, string Kind, int Attempts, string? LastError, JsonElement Payload);

    private static async Task<Results<Created<TriggerView>, ProblemHttpResult>> CreateAsync(
        JsonElement body, ITailorStore store, TriggerEngine engine, TriggerWorker worker, TimeProvider time, DefinitionLimits limits, CancellationToken ct)
    {
        if (Check(body, engine.Catalog, await SegmentNamesAsync(store, ct), limits, out var definition) is { } problem) return problem;
        var stored = TriggerValidator.NewTrigger(definition!, body, time.GetUtcNow());
        await store.SaveTriggerAsync(stored, ct);
        await engine.ReloadAsync(ct);
        worker.Wake();
        return TypedResults.Created($"/api/triggers/{stored.Id}", View(stored, withSecret: true));
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> Validate(JsonElement body, ITailorStore store, TriggerEngine engine, DefinitionLimits limits, CancellationToken ct) =>
        Check(body, engine.Catalog, await SegmentNamesAsync(store, ct), limits, out var definition) is { } problem
            ? problem
            : TypedResults.Ok<object>(new { valid = true, name = definition!.Name, steps = definition.Steps.Count });

    /// <summary>Parses and checks a definition against what exists (unique name, known segment); null when valid.</summary>
    private static ProblemHttpResult? Check(JsonElement body, TriggerCatalog catalog, HashSet<string> segments, DefinitionLimits limits, out TriggerDefinition? definition)
    {
        definition = null;
        try
        {
            definition = TriggerValidator.Validate(body, catalog, segments, limits);
            return null;
        }
        catch (TriggerDefinitionException ex)
        {
            return ApiProblems.Invalid(ex.Path, ex.Rule);
        }
    }

    private static async Task<HashSet<string>> SegmentNamesAsync(ITailorStore store, CancellationToken ct) =>
        (await store.ListSegmentsAsync(ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    private static Ok<TriggerView[]> ListAsync(TriggerEngine engine) =>
        TypedResults.Ok(engine.Catalog.All.Select(t => View(t.Stored)).Concat(engine.Catalog.Disabled.Select(d => View(d.Stored, d.Reason))).ToArray());

    private static async Task<Results<Ok<TriggerView>, NotFound>> GetAsync(string id, TriggerEngine engine, ITailorStore store, CancellationToken ct) =>
        await FindAsync(id, engine, store, ct) is { } t ? TypedResults.Ok(View(t.Stored))
        : engine.Catalog.Disabled.Find(d => d.Stored.Id == id || d.Stored.Name == id) is { } disabled ? TypedResults.Ok(View(disabled.Stored, disabled.Reason))
        : TypedResults.NotFound();

    private static async Task<Results<Ok<TriggerView>, NotFound>> SetEnabledAsync(string id, bool enabled, ITailorStore store, TriggerEngine engine,
        TriggerWorker worker, TimeProvider time, CancellationToken ct)
    {
        if (await FindAsync(id, engine, store, ct) is not { } t) return TypedResults.NotFound();
        var stored = t.Stored with { Enabled = enabled, UpdatedAt = time.GetUtcNow() };
        await store.SaveTriggerAsync(stored, ct);
        await engine.ReloadAsync(ct);
        worker.Wake();
        return TypedResults.Ok(View(stored));
    }

    private static async Task<Results<Ok<DryRunView>, NotFound, ProblemHttpResult>> TestAsync(string id, TestRequest request, TriggerEngine engine, ITailorStore store, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.ProfileId)) return ApiProblems.Invalid("profileId", "is required");
        if (request.Event is { ValueKind: not JsonValueKind.Object }) return ApiProblems.Invalid("event", "must be a JSON object: the event message the run would start from");
        if (await FindAsync(id, engine, store, ct) is not { } trigger) return TypedResults.NotFound();
        var result = await engine.DryRunAsync(trigger, request.ProfileId, request.Event?.GetRawText(), ct);
        if (result is null) return ApiProblems.Invalid("profileId", $"must name an existing profile; there is no profile '{request.ProfileId}'");
        return TypedResults.Ok(new DryRunView(result.ProfileId, Status(result.Status), result.Outcome, [.. result.Steps.Select(s => new LogView(s.At, s.Step, s.Kind, s.Detail))]));
    }

    private static async Task<Results<Ok<RunsView>, NotFound, ProblemHttpResult>> RunsAsync(string id, string? profileId, int? limit, TriggerEngine engine, ITailorStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        if (await FindAsync(id, engine, store, ct) is not { } trigger) return TypedResults.NotFound();
        if (profileId is not null && await store.GetProfileAsync(profileId, ct) is { } profile) profileId = profile.Id; // merged ids resolve
        var runs = await store.RunsAsync(trigger.Id, profileId, limit ?? 100, ct);
        var log = (await store.ExecutionLogAsync([.. runs.Select(r => r.Id)], ct)).ToLookup(e => e.RunId);
        var steps = trigger.Definition.Steps;
        return TypedResults.Ok(new RunsView(trigger.Id, trigger.Stored.Name, [.. runs.Select(r => new RunView(r.Id, r.ProfileId, Status(r.Status),
            r.Step < steps.Count ? steps[r.Step].Id : null, r.EnteredAt, r.DueAt, r.WaitingFor, r.Outcome, r.EndedAt,
            [.. log[r.Id].Select(e => new LogView(e.At, e.Step, e.Kind, e.Detail))]))]));
    }

    private static async Task<Results<Ok<DeadLetterView[]>, ProblemHttpResult>> DeadLettersAsync(string? trigger, int? limit, ITailorStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        var dead = await store.DeadLettersAsync(trigger, limit ?? 100, ct);
        return TypedResults.Ok(dead.Select(d =>
        {
            using var payload = JsonDocument.Parse(d.Payload);
            return new DeadLetterView(d.Id, d.TriggerId, d.RunId, d.ProfileId, d.Kind, d.Attempts, d.LastError, payload.RootElement.Clone());
        }).ToArray());
    }

    private static async Task<Results<Accepted, NotFound>> RetryAsync(string deliveryId, ITailorStore store, DeliveryWorker deliveries, TimeProvider time, CancellationToken ct)
    {
        if (!await store.RetryDeadLetterAsync(deliveryId, time.GetUtcNow(), ct)) return TypedResults.NotFound();
        deliveries.Wake();
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<TriggerCatalog.Compiled?> FindAsync(string id, TriggerEngine engine, ITailorStore store, CancellationToken ct)
    {
        var found = engine.Catalog.ById(id) ?? engine.Catalog.All.Find(t => t.Stored.Name == id);
        if (found is not null) return found;
        await engine.ReloadAsync(ct); // created by another node or the CLI since the last reload
        return engine.Catalog.ById(id) ?? engine.Catalog.All.Find(t => t.Stored.Name == id);
    }

    private static TriggerView View(StoredTrigger t, string? disabled = null, bool withSecret = false)
    {
        JsonElement definition;
        try
        {
            using var document = JsonDocument.Parse(t.Definition, new JsonDocumentOptions { MaxDepth = DefinitionLimits.Ceiling.MaxTriggerDepth + 1 });
            definition = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            definition = JsonSerializer.SerializeToElement(t.Definition); // unreadable as JSON: shown as the text it is
        }
        return new TriggerView(t.Id, t.Name, t.Enabled, definition, withSecret ? t.Secret : null, t.CreatedAt, t.UpdatedAt, disabled);
    }

    private static string Status(RunStatus status) => status.ToString().ToLowerInvariant();
}
