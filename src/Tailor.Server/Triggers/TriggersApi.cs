using Tailor.Application;
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
        triggers.MapPost("{id}/enable", (string id, TriggerOperations operations, CancellationToken ct) => SetEnabledAsync(id, true, operations, ct))
            .WithName("EnableTrigger").WithSummary("Let profiles enter the trigger");
        triggers.MapPost("{id}/disable", (string id, TriggerOperations operations, CancellationToken ct) => SetEnabledAsync(id, false, operations, ct))
            .WithName("DisableTrigger").WithSummary("Stop entries; waiting runs exit when their timer falls due");
        triggers.MapPost("{id}/test", TestAsync).WithName("TestTrigger").WithSummary("What would happen if a profile entered now (dry run: nothing is stored or sent)");
        triggers.MapGet("{id}/stats", StatsAsync).WithName("TriggerStats")
            .WithSummary("Runs by status, deliveries by status, and its emails delivered, opened, clicked, unsubscribed and converted (?conversion=&window=)");
        triggers.MapGet("{id}/runs", RunsAsync).WithName("ListTriggerRuns").WithSummary("Runs, newest first, with outcome and execution log");
        return api;
    }

    /// <param name="Email">Its emails: delivered, opened, clicked, unsubscribed, converted (docs/email.md).</param>
    public sealed record TriggerStatsView(IReadOnlyDictionary<string, long> Runs, IReadOnlyDictionary<string, long> Deliveries, Application.Campaigns.EmailStats Email);

    private static async Task<Results<Ok<TriggerStatsView>, NotFound, ProblemHttpResult>> StatsAsync(
        string id, string? conversion, string? window, TriggerOperations operations, Application.Campaigns.EmailStatsOperations email, CancellationToken ct)
    {
        if (await operations.StatsAsync(id, ct) is not { Succeeded: true } stats) return TypedResults.NotFound();
        var counted = await email.TriggerAsync(id, conversion, window, ct);
        if (counted.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        return TypedResults.Ok(new TriggerStatsView(stats.Value!.Runs, stats.Value.Deliveries, counted.Value!));
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

    private static async Task<Results<Created<TriggerView>, ProblemHttpResult>> CreateAsync(JsonElement body, TriggerOperations triggers, CancellationToken ct)
    {
        var created = await triggers.CreateAsync(body, ct);
        if (created.Problem is { } refused) return ApiProblems.For(refused);
        return TypedResults.Created($"/api/triggers/{created.Value!.Id}", View(created.Value, withSecret: true));
    }

    private static async Task<Results<Ok<object>, ProblemHttpResult>> Validate(JsonElement body, TriggerOperations triggers, CancellationToken ct)
    {
        var valid = await triggers.ValidateAsync(body, ct);
        return valid is { Succeeded: true, Value: { } definition }
            ? TypedResults.Ok<object>(new { valid = true, name = definition.Name, steps = definition.Steps.Count })
            : ApiProblems.For(valid.Problem!);
    }

    private static Ok<TriggerView[]> ListAsync(TriggerOperations triggers) =>
        TypedResults.Ok(triggers.Catalog.All.Select(t => View(t.Stored)).Concat(triggers.Catalog.Disabled.Select(d => View(d.Stored, d.Reason))).ToArray());

    private static async Task<Results<Ok<TriggerView>, NotFound>> GetAsync(string id, TriggerOperations triggers, CancellationToken ct) =>
        await triggers.FindAsync(id, ct) is { } t ? TypedResults.Ok(View(t.Stored))
        : triggers.Catalog.Disabled.Find(d => d.Stored.Id == id || d.Stored.Name == id) is { } disabled ? TypedResults.Ok(View(disabled.Stored, disabled.Reason))
        : TypedResults.NotFound();

    private static async Task<Results<Ok<TriggerView>, NotFound>> SetEnabledAsync(string id, bool enabled, TriggerOperations triggers, CancellationToken ct) =>
        await triggers.SetEnabledAsync(id, enabled, ct) is { Succeeded: true } set ? TypedResults.Ok(View(set.Value!)) : TypedResults.NotFound();

    private static async Task<Results<Ok<DryRunView>, NotFound, ProblemHttpResult>> TestAsync(string id, TestRequest request, TriggerOperations triggers, CancellationToken ct)
    {
        if (request.Event is { ValueKind: not JsonValueKind.Object }) return ApiProblems.Invalid("event", "must be a JSON object: the event message the run would start from");
        var dry = await triggers.DryRunAsync(id, request.ProfileId, request.Event?.GetRawText(), ct);
        return dry switch
        {
            { Succeeded: true, Value: { } result } => TypedResults.Ok(new DryRunView(result.ProfileId, Status(result.Status), result.Outcome,
                [.. result.Steps.Select(s => new LogView(s.At, s.Step, s.Kind, s.Detail))])),
            { Problem: { Kind: ProblemKind.NotFound, Field: "trigger" } } => TypedResults.NotFound(),
            { Problem: { Kind: ProblemKind.NotFound, Field: "profile" } } => ApiProblems.Invalid("profileId", $"must name an existing profile; there is no profile '{request.ProfileId}'"),
            _ => ApiProblems.For(dry.Problem!),
        };
    }

    private static async Task<Results<Ok<RunsView>, NotFound, ProblemHttpResult>> RunsAsync(string id, string? profileId, int? limit, TriggerOperations triggers, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        if (await triggers.RunsAsync(id, profileId, limit ?? 100, ct) is not { Succeeded: true, Value: var (trigger, runs, log) }) return TypedResults.NotFound();
        var steps = trigger.Definition.Steps;
        return TypedResults.Ok(new RunsView(trigger.Id, trigger.Stored.Name, [.. runs.Select(r => new RunView(r.Id, r.ProfileId, Status(r.Status),
            r.Step < steps.Count ? steps[r.Step].Id : null, r.EnteredAt, r.DueAt, r.WaitingFor, r.Outcome, r.EndedAt,
            [.. log[r.Id].Select(e => new LogView(e.At, e.Step, e.Kind, e.Detail))]))]));
    }

    private static async Task<Results<Ok<DeadLetterView[]>, ProblemHttpResult>> DeadLettersAsync(string? trigger, int? limit, ITriggerStore store, CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return ApiProblems.Invalid("limit", "must be between 1 and 1000");
        var dead = await store.DeadLettersAsync(trigger, limit ?? 100, ct);
        return TypedResults.Ok(dead.Select(d =>
        {
            using var payload = JsonDocument.Parse(d.Payload);
            return new DeadLetterView(d.Id, d.TriggerId, d.RunId, d.ProfileId, d.Kind, d.Attempts, d.LastError, payload.RootElement.Clone());
        }).ToArray());
    }

    private static async Task<Results<Accepted, NotFound>> RetryAsync(string deliveryId, TriggerOperations triggers, CancellationToken ct) =>
        (await triggers.RetryDeadLetterAsync(deliveryId, ct)).Succeeded ? TypedResults.Accepted((string?)null) : TypedResults.NotFound();

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
