using System.Text.Json;
using Tailor.Analytics.Charts;
using Tailor.Analytics.Propensity;
using Tailor.Core.Analytics;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Propensity;

/// <summary>
/// <c>propensity</c>: trains a churn or next-purchase model on the event log with a time split, validates it against
/// the recency baseline, keeps the model with the run (<c>model.zip</c>, <c>model.json</c>, ROC and calibration charts),
/// promotes it only if it validates at least as well as the model in use for the same question, and then writes every
/// profile's score (<c>churn_score</c> / <c>next_purchase_score</c>) as of the run's as-of moment.
/// </summary>
public sealed class PropensityJob(IAnalyticsStore store, ScoreWriter scores) : AnalyticsJob<PropensityParameters>
{
    public const string KindName = "propensity";

    /// <summary>How many earlier runs are searched for the model in use of the same question.</summary>
    private const int RunsSearched = AnalyticsRuns.MaxListed;

    public override string Kind => KindName;

    protected override OperationProblem? Validate(PropensityParameters parameters) => parameters.Problem();

    protected override async Task<OperationResult<AnalyticsOutput>> RunAsync(PropensityParameters p, AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct)
    {
        var question = new PropensityQuestion(p.Target == "churn" ? PropensityTarget.Churn : PropensityTarget.NextPurchase, p.HorizonDays, p.OrderEvent);
        var latestCutoff = request.AsOf.AddDays(-p.HorizonDays);
        var cutoff = p.Cutoff ?? latestCutoff;
        if (cutoff > latestCutoff)
            return OperationProblem.Invalid("parameters.cutoff", $"must be at most the as-of moment minus the horizon ({latestCutoff:u}): the label window must have happened");

        progress.Report(new AnalyticsProgress("reading events", 0));
        var events = await ReadEventsAsync(p, request.AsOf, ct);
        var schema = PropensityFeatureBuilder.ChooseSchema(events, cutoff, p.OrderEvent);
        var table = PropensityFeatureBuilder.BuildTraining(events, cutoff, question, schema);
        if (PropensityTrainer.CannotTrain(table, p.Folds) is { } reason)
            return OperationProblem.Invalid("data", $"cannot train {p.Target} with cutoff {cutoff:u}: {reason}");

        var options = new GradientBoostingOptions(p.Iterations, p.Leaves, p.LearningRate, p.MinLeaf, p.Seed);
        var training = PropensityTrainer.Train(table, options, p.Folds,
            new Progress<double>(f => progress.Report(new AnalyticsProgress($"{p.Folds}-fold validation and final fit", 0.1 + (0.7 * f)))), ct);
        var validation = training.Validation;

        var inUse = await InUseAsync(question, request.RunId, ct);
        var decision = PromotionDecision.Decide(validation.ChosenAuc, inUse?.Auc, inUse?.RunId);
        long written = 0, scored = 0;
        if (decision.Promoted)
        {
            progress.Report(new AnalyticsProgress("scoring profiles", 0.85));
            var now = PropensityFeatureBuilder.BuildForScoring(events, request.AsOf, question, schema);
            var probabilities = training.Model.Score(now);
            scored = probabilities.Length;
            var trait = question.ScoreTrait;
            var model = $"{validation.Chosen} {p.Target} {p.HorizonDays}d";
            var result = await scores.WriteAsync(Kind, request.RunId, model,
                now.ProfileIds.Select((id, i) => new ProfileScores(id, new Dictionary<string, object?> { [trait] = Math.Round(probabilities[i], 4) })), ct);
            written = result.Profiles;
        }
        progress.Report(new AnalyticsProgress("done", 1));

        var summary = new PropensitySummary(p.Target, p.HorizonDays, cutoff, request.AsOf, p.OrderEvent, question.ScoreTrait, validation, decision.Promoted,
            decision.Reason, inUse?.RunId, scored, options, [.. schema.FeatureNames]);
        return new AnalyticsOutput(JsonSerializer.SerializeToElement(summary, PropensitySummary.Json), Artifacts(training, summary), written, decision.Promoted);
    }

    private async Task<List<PropensityEvent>> ReadEventsAsync(PropensityParameters p, DateTimeOffset asOf, CancellationToken ct)
    {
        var names = p.EventNames.Append(p.OrderEvent).Distinct(StringComparer.Ordinal).ToArray();
        var events = new List<PropensityEvent>();
        await foreach (var e in store.ReadTracksAsync(names, asOf, ct))
        {
            var revenue = 0.0;
            if (e.Name == p.OrderEvent && e.Properties.ValueKind == JsonValueKind.Object
                && e.Properties.TryGetProperty(p.RevenueProperty, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
                && double.IsFinite(number))
                revenue = number;
            events.Add(new PropensityEvent(e.ProfileId, e.Name, e.Timestamp, revenue));
        }
        return events;
    }

    /// <summary>The newest promoted run answering the same question (target and horizon), with its CV AUC.</summary>
    private async Task<(string RunId, double Auc)?> InUseAsync(PropensityQuestion question, string self, CancellationToken ct)
    {
        foreach (var run in await store.ListRunsAsync(KindName, RunsSearched, ct))
        {
            if (!run.Promoted || run.Id == self || run.Status != AnalyticsRunStatus.Succeeded || run.Result is not { ValueKind: JsonValueKind.Object } result) continue;
            if (result.TryGetProperty("target", out var target) && target.GetString() == question.TargetName
                && result.TryGetProperty("horizonDays", out var horizon) && horizon.GetInt32() == question.HorizonDays
                && result.TryGetProperty("chosenAuc", out var auc) && auc.ValueKind == JsonValueKind.Number)
                return (run.Id, auc.GetDouble());
        }
        return null;
    }

    private static List<AnalyticsArtifact> Artifacts(PropensityTraining training, PropensitySummary summary)
    {
        var description = JsonSerializer.SerializeToUtf8Bytes(new
        {
            summary.Target, summary.HorizonDays, summary.OrderEvent, training.Model.Chosen,
            features = summary.Features, eventNames = training.Model.Schema.EventNames,
            baseline = new { intercept = training.Model.Baseline.Intercept, recencyCoefficient = training.Model.Baseline.Coefficients[0] },
        }, PropensitySummary.Json);
        return
        [
            new("model.zip", "application/zip", training.Model.GradientBoosting.Save()),
            new("model.json", "application/json", description),
            .. new[] { PropensityCharts.Roc(training), PropensityCharts.Calibration(training.Validation) }
                .Select(chart => new AnalyticsArtifact(chart.FileName, Chart.SvgMediaType, chart.Bytes())),
        ];
    }
}
