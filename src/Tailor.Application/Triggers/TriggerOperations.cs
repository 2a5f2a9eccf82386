using System.Text.Json;
using Tailor.Core.Limits;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Application.Triggers;

/// <summary>
/// Every operation on triggers, once for the HTTP API and the CLI: validate and create a definition, enable and
/// disable (on the injected clock, waking the trigger follower), a dry run against a profile, runs with their log,
/// stats, and putting a dead delivery back in the outbox. Triggers are named by id or name.
/// </summary>
public sealed class TriggerOperations(ITriggerStore triggers, ISegmentStore segments, IProfileStore profiles, TriggerEngine engine, IdSource ids, TimeProvider time,
    DefinitionLimits? limits = null, TriggerWakeups? wake = null)
{
    private readonly TriggerWakeups _wake = wake ?? TriggerWakeups.None;

    /// <summary>The triggers as loaded now, with those that cannot load and why.</summary>
    public TriggerCatalog Catalog => engine.Catalog;

    /// <summary>The loaded trigger with this id or name; reloads once when it is not known (created by another node or the CLI since).</summary>
    public async Task<TriggerCatalog.Compiled?> FindAsync(string idOrName, CancellationToken ct)
    {
        if (Find(idOrName) is { } found) return found;
        await engine.ReloadAsync(ct);
        return Find(idOrName);
    }

    /// <summary>Parses and checks a definition against what exists (unique name, known segment); errors name the JSON path.</summary>
    public async Task<OperationResult<TriggerDefinition>> ValidateAsync(JsonElement definition, CancellationToken ct)
    {
        var segmentNames = (await segments.ListSegmentsAsync(ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        try
        {
            return TriggerValidator.Validate(definition, engine.Catalog, segmentNames, limits);
        }
        catch (TriggerDefinitionException ex)
        {
            return OperationProblem.Invalid(ex.Path, ex.Rule);
        }
    }

    /// <summary>Creates an enabled trigger from a valid definition; the answer holds its webhook signing secret (shown once).</summary>
    public async Task<OperationResult<StoredTrigger>> CreateAsync(JsonElement definition, CancellationToken ct)
    {
        var parsed = await ValidateAsync(definition, ct);
        if (!parsed.Succeeded) return parsed.Problem!;
        var stored = TriggerValidator.NewTrigger(ids.New("trg"), parsed.Value!, definition, time.GetUtcNow());
        await triggers.SaveTriggerAsync(stored, ct);
        await engine.ReloadAsync(ct);
        _wake.Triggers();
        return stored;
    }

    /// <summary>Lets profiles enter the trigger, or stops entries (waiting runs exit when their timer falls due).</summary>
    public async Task<OperationResult<StoredTrigger>> SetEnabledAsync(string idOrName, bool enabled, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } trigger) return OperationProblem.NotFound("trigger", "does not exist");
        var stored = trigger.Stored with { Enabled = enabled, UpdatedAt = time.GetUtcNow() };
        await triggers.SaveTriggerAsync(stored, ct);
        await engine.ReloadAsync(ct);
        _wake.Triggers();
        return stored;
    }

    /// <summary>What would happen if the profile entered now, optionally from <paramref name="startEvent"/> (JSON); nothing is stored or sent.</summary>
    public async Task<OperationResult<TriggerDryRun>> DryRunAsync(string idOrName, string? profileId, string? startEvent, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(profileId)) return OperationProblem.Invalid("profileId", "is required");
        if (await FindAsync(idOrName, ct) is not { } trigger) return OperationProblem.NotFound("trigger", "does not exist");
        return await engine.DryRunAsync(trigger, profileId, startEvent, ct) is { } dry ? dry : OperationProblem.NotFound("profile", "does not exist");
    }

    /// <summary>The trigger's runs, newest first (only the profile's, a merged-away id meaning its survivor), with their execution log.</summary>
    public async Task<OperationResult<TriggerRuns>> RunsAsync(string idOrName, string? profileId, int limit, CancellationToken ct)
    {
        if (await FindAsync(idOrName, ct) is not { } trigger) return OperationProblem.NotFound("trigger", "does not exist");
        if (profileId is not null && await profiles.GetProfileAsync(profileId, ct) is { } profile) profileId = profile.Id;
        var runs = await triggers.RunsAsync(trigger.Id, profileId, limit, ct);
        var log = (await triggers.ExecutionLogAsync([.. runs.Select(r => r.Id)], ct)).ToLookup(e => e.RunId);
        return new TriggerRuns(trigger, runs, log);
    }

    /// <summary>How many runs wait, completed or exited, and how many deliveries are pending, sent or dead.</summary>
    public async Task<OperationResult<TriggerStats>> StatsAsync(string idOrName, CancellationToken ct) =>
        await FindAsync(idOrName, ct) is { } trigger ? await triggers.TriggerStatsAsync(trigger.Id, ct) : OperationProblem.NotFound("trigger", "does not exist");

    /// <summary>Puts a dead delivery back in the outbox for another round of tries, due now, and wakes the delivery follower.</summary>
    public async Task<OperationResult<string>> RetryDeadLetterAsync(string deliveryId, CancellationToken ct)
    {
        if (!await triggers.RetryDeadLetterAsync(deliveryId, time.GetUtcNow(), ct)) return OperationProblem.NotFound("delivery", "does not exist");
        _wake.Deliveries();
        return deliveryId;
    }

    private TriggerCatalog.Compiled? Find(string idOrName) => engine.Catalog.ById(idOrName) ?? engine.Catalog.All.Find(t => t.Stored.Name == idOrName);
}
