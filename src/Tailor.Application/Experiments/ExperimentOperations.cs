using SamplePlanner = Tailor.Analytics.Experiments.SamplePlanner;
using SamplePlanRequest = Tailor.Analytics.Experiments.SamplePlanRequest;
using Tailor.Core.Experiments;
using Tailor.Core.Storage;

namespace Tailor.Application.Experiments;

/// <summary>
/// Creating, changing, starting, stopping and reading experiments, once for the HTTP API and the CLI
/// (docs/experiments.md). A definition changes only as a draft: once units are assigned, a change would mix arms.
/// At most one experiment runs on a subject (a placement, block, campaign or trigger) at a time.
/// </summary>
public sealed class ExperimentOperations(IExperimentStore store, ISegmentStore segments, IContentStore content, RunningExperiments running, TimeProvider time)
{
    public async Task<OperationResult<Experiment>> CreateAsync(ExperimentDefinition? definition, CancellationToken ct)
    {
        if (definition is null) return OperationProblem.Invalid("body", "is required: the experiment's definition");
        var (prepared, error) = ExperimentRules.Prepare(definition);
        if (error is not null) return OperationProblem.Invalid(error);
        var planned = Planned(prepared!);
        if (planned.Problem is { } planProblem) return planProblem;
        prepared = planned.Value;
        var now = time.GetUtcNow();
        var experiment = new Experiment(prepared!, ExperimentStatus.Draft, now, now);
        if (!await store.SaveExperimentAsync(experiment, createOnly: true, ct))
            return OperationProblem.Conflict("key", $"must be unique; \"{definition.Key}\" exists (PUT /api/experiments/{{key}} changes a draft)");
        return experiment;
    }

    /// <summary>Replaces a draft's definition; the key is the one in the path.</summary>
    public async Task<OperationResult<Experiment>> ChangeAsync(string key, ExperimentDefinition? definition, CancellationToken ct)
    {
        if (definition is null) return OperationProblem.Invalid("body", "is required: the experiment's definition");
        if (await store.GetExperimentAsync(key, ct) is not { } existing) return Missing(key);
        if (existing.Status != ExperimentStatus.Draft)
            return OperationProblem.Conflict("status", $"must be draft to change the definition; \"{key}\" is {Wire(existing.Status)} (create a new experiment instead)");
        var (prepared, error) = ExperimentRules.Prepare(definition with { Key = key });
        if (error is not null) return OperationProblem.Invalid(error);
        var planned = Planned(prepared!);
        if (planned.Problem is { } planProblem) return planProblem;
        prepared = planned.Value;
        var changed = existing with { Definition = prepared!, UpdatedAt = time.GetUtcNow() };
        await store.SaveExperimentAsync(changed, createOnly: false, ct);
        return changed;
    }

    public async Task<OperationResult<Experiment>> StartAsync(string key, CancellationToken ct)
    {
        if (await store.GetExperimentAsync(key, ct) is not { } existing) return Missing(key);
        if (existing.Status != ExperimentStatus.Draft)
            return OperationProblem.Conflict("status", $"must be draft to start; \"{key}\" is {Wire(existing.Status)} (a stopped experiment does not restart: its units would mix)");
        var d = existing.Definition;
        if (ExperimentRules.ReadyToStart(d) is { } notReady) return OperationProblem.Invalid(notReady);
        if (d.Audience is { } audience && !(await segments.ListSegmentsAsync(ct)).Any(s => s.Name == audience))
            return OperationProblem.Invalid("audience", $"must name an existing segment; \"{audience}\" does not exist");
        if (await SubjectProblemAsync(d, ct) is { } subjectProblem) return subjectProblem;
        foreach (var other in await store.ListExperimentsAsync(ct))
            if (other.Status == ExperimentStatus.Running && other.Definition.Subject == d.Subject && d.Subject.Kind != SubjectKind.Flag)
                return OperationProblem.Conflict("subject", $"has a running experiment already (\"{other.Key}\"): stop it first");
        var now = time.GetUtcNow();
        var started = existing with { Status = ExperimentStatus.Running, StartedAt = now, UpdatedAt = now };
        await store.SaveExperimentAsync(started, createOnly: false, ct);
        running.Invalidate();
        return started;
    }

    public async Task<OperationResult<Experiment>> StopAsync(string key, CancellationToken ct)
    {
        if (await store.GetExperimentAsync(key, ct) is not { } existing) return Missing(key);
        if (existing.Status != ExperimentStatus.Running) return OperationProblem.Conflict("status", $"must be running to stop; \"{key}\" is {Wire(existing.Status)}");
        var now = time.GetUtcNow();
        var stopped = existing with { Status = ExperimentStatus.Stopped, StoppedAt = now, UpdatedAt = now };
        await store.SaveExperimentAsync(stopped, createOnly: false, ct);
        running.Invalidate();
        return stopped;
    }

    public async Task<OperationResult<Experiment>> GetAsync(string key, CancellationToken ct) =>
        await store.GetExperimentAsync(key, ct) is { } e ? e : Missing(key);

    public Task<IReadOnlyList<Experiment>> ListAsync(CancellationToken ct) => store.ListExperimentsAsync(ct);

    /// <summary>
    /// Units per arm and, per metric, the per-arm sums (the statistics' input), over every unit or over the current
    /// members of <paramref name="segment"/> (by name), as the experiments follower has tallied them (<see cref="ExperimentTallies"/>).
    /// </summary>
    public async Task<OperationResult<ExperimentResults>> ResultsAsync(string key, string? segment, CancellationToken ct)
    {
        if (await store.GetExperimentAsync(key, ct) is not { } experiment) return Missing(key);
        string? segmentId = null;
        if (segment is not null)
        {
            if ((await segments.ListSegmentsAsync(ct)).FirstOrDefault(s => s.Name == segment) is not { } found)
                return OperationProblem.Invalid("segment", $"must name an existing segment; \"{segment}\" does not exist");
            segmentId = found.Id;
        }
        var arms = experiment.Definition.Arms().Select(a => a.Arm).ToArray();
        // Read from the experiments follower's tally (a few rows per arm), current up to its position.
        var tally = await store.TallyAsync(key, segmentId, ct);
        var summary = tally.Exposures;
        // Every arm is listed, in definition order, with zero units until someone is exposed.
        var exposures = summary with { Arms = arms.Select(a => summary.Arms.FirstOrDefault(x => x.Arm == a) ?? new ArmExposures(a, 0)).ToArray() };
        var metrics = new List<MetricResult>();
        foreach (var metric in experiment.Definition.AllMetrics)
        {
            var role = metric == experiment.Definition.PrimaryMetric ? MetricRole.Primary
                : experiment.Definition.GuardrailMetrics?.Contains(metric) == true ? MetricRole.Guardrail : MetricRole.Secondary;
            var stored = tally.Metrics.GetValueOrDefault(metric.Name) ?? [];
            var sums = arms.Select(a => stored.FirstOrDefault(x => x.Arm == a) ?? new ArmSums(a, 0, 0, 0, 0, 0, 0)).ToArray();
            metrics.Add(new MetricResult(metric, role, sums, Factorial(experiment.Definition, sums)));
        }
        return new ExperimentResults(experiment, segment, exposures, metrics, time.GetUtcNow());
    }

    /// <summary>The most segments one breakdown may name.</summary>
    public const int MaxBreakdownSegments = 10;

    /// <summary>
    /// The results per segment (per variant within each): for each named segment, the units that are its current
    /// members, their per-arm sums and (in the view) statistics; the whole experiment's results first (segment null).
    /// </summary>
    public async Task<OperationResult<IReadOnlyList<ExperimentResults>>> BreakdownAsync(string key, IReadOnlyList<string> segments, CancellationToken ct)
    {
        if (segments.Count == 0 || segments.Count > MaxBreakdownSegments)
            return OperationProblem.Invalid("breakdown", $"must name 1 to {MaxBreakdownSegments} segments (comma-separated)");
        if (segments.Distinct(StringComparer.Ordinal).Count() != segments.Count) return OperationProblem.Invalid("breakdown", "must not name a segment twice");
        var all = new List<ExperimentResults>(segments.Count + 1);
        foreach (var segment in segments.Prepend(null))
        {
            var results = await ResultsAsync(key, segment, ct);
            if (results.Problem is { } problem) return problem.Field == "segment" ? OperationProblem.Invalid("breakdown", problem.Rule) : problem;
            all.Add(results.Value!);
        }
        return all;
    }

    /// <summary>
    /// With a plan, the planned total units computed by <see cref="SamplePlanner"/> for the primary metric (a rate for
    /// conversion and click-through, else a mean) over the experiment's arms (the holdout included), replacing any given.
    /// </summary>
    private static OperationResult<ExperimentDefinition> Planned(ExperimentDefinition d)
    {
        if (d.Plan is not { } plan) return d;
        if (d.PrimaryMetric is null) return OperationProblem.Invalid("plan", "needs a primaryMetric: the plan is for the metric the experiment decides on");
        var kind = d.PrimaryMetric.Kind is Core.Experiments.MetricKind.Conversion or Core.Experiments.MetricKind.ClickThrough
            ? Tailor.Analytics.Experiments.MetricKind.Rate : Tailor.Analytics.Experiments.MetricKind.Mean;
        var request = new SamplePlanRequest(kind, plan.Baseline, plan.MinimumDetectableEffect)
        {
            StandardDeviation = plan.StandardDeviation, RelativeEffect = plan.RelativeEffect ?? true, Alpha = plan.Alpha ?? 0.05, Power = plan.Power ?? 0.8,
            Variants = d.Arms().Count, DailyUnits = plan.DailyUnits,
        };
        if (SamplePlanner.Validate(request) is { } problem) return OperationProblem.Invalid($"plan.{problem.Field}", problem.Rule);
        var total = SamplePlanner.Plan(request).TotalUnits;
        if (total > ExperimentRules.MaxPlannedUnits) return OperationProblem.Invalid("plan", $"needs {total} units, more than {ExperimentRules.MaxPlannedUnits}");
        return d with { PlannedUnits = total };
    }

    private static IReadOnlyList<FactorialEffect>? Factorial(ExperimentDefinition d, IReadOnlyList<ArmSums> sums) =>
        d.Factors is { Count: > 0 } factors ? FactorialEffects.Estimate(factors, d.Variants, sums) : null;

    private async Task<OperationProblem?> SubjectProblemAsync(ExperimentDefinition d, CancellationToken ct)
    {
        switch (d.Subject.Kind)
        {
            case SubjectKind.Placement:
                if (await content.GetContentAsync(ContentKinds.Placement, d.Subject.Name!, ct) is null)
                    return OperationProblem.Invalid("subject.name", $"must name an existing placement; \"{d.Subject.Name}\" does not exist");
                for (var i = 0; i < d.Variants.Count; i++)
                {
                    var v = d.Variants[i];
                    if (v.Block is { } block && await content.GetContentAsync(ContentKinds.Block, block, ct) is null)
                        return OperationProblem.Invalid($"variants[{i}].block", $"must name an existing block; \"{block}\" does not exist");
                    if (v.Template is { } template && await content.GetContentAsync(ContentKinds.Template, template, ct) is null)
                        return OperationProblem.Invalid($"variants[{i}].template", $"must name an existing template; \"{template}\" does not exist");
                }
                break;
            case SubjectKind.Block:
                if (await content.GetContentAsync(ContentKinds.Block, d.Subject.Name!, ct) is null)
                    return OperationProblem.Invalid("subject.name", $"must name an existing block; \"{d.Subject.Name}\" does not exist");
                break;
        }
        return null;
    }

    private static OperationProblem Missing(string key) => OperationProblem.NotFound("key", $"no experiment \"{key}\"");

    private static string Wire(ExperimentStatus status) => status.ToString().ToLowerInvariant();
}
