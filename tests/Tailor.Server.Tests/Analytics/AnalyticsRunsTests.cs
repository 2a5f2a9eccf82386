using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Core.Analytics;
using Tailor.Core.Identity;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Analytics;

/// <summary>The run use case every analytics kind goes through, and writing scores back to profiles, over SQLite on a fake clock.</summary>
public sealed class AnalyticsRunsTests() : SqliteStoreTest("analytics-runs")
{
    private AnalyticsRuns _runs = null!;
    private ScoreWriter _scores = null!;

    protected override ValueTask SetUpAsync()
    {
        _scores = new ScoreWriter(Store.Analytics, new EventLogSink(Store.Events), Time);
        _runs = new AnalyticsRuns([new ThresholdJob(_scores, Store.Analytics)], Store.Analytics, new IdSource(Time), Time, NullLogger<AnalyticsRuns>.Instance);
        return ValueTask.CompletedTask;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public async Task A_request_is_refused_naming_the_field_before_a_run_is_stored()
    {
        Assert.Equal("kind", (await _runs.QueueAsync(null, null, null, Ct)).Problem!.Field);
        Assert.Contains("threshold", (await _runs.QueueAsync("nope", null, null, Ct)).Problem!.Rule);
        Assert.Equal(("parameters.min", "has the wrong type"), Refusal(await _runs.QueueAsync("threshold", Json("""{"min":"ten"}"""), null, Ct)));
        Assert.Equal(("parameters.colour", "is not a parameter of this kind"), Refusal(await _runs.QueueAsync("threshold", Json("""{"colour":1}"""), null, Ct)));
        Assert.Equal(("parameters.min", "must be between 0 and 100"), Refusal(await _runs.QueueAsync("threshold", Json("""{"min":1000}"""), null, Ct)));
        Assert.Equal("parameters", (await _runs.QueueAsync("threshold", Json("[1]"), null, Ct)).Problem!.Field);
        Assert.Equal("asOf", (await _runs.QueueAsync("threshold", null, Time.GetUtcNow().AddDays(1), Ct)).Problem!.Field);
        Assert.Empty(await _runs.ListAsync(null, 10, Ct));
    }

    private static (string, string) Refusal(OperationResult<AnalyticsRun> result) => (result.Problem!.Field, result.Problem.Rule);

    [Fact]
    public async Task A_run_is_stored_with_its_parameters_result_artifacts_and_timing()
    {
        var asOf = Time.GetUtcNow().AddDays(-1);
        var queued = (await _runs.QueueAsync("threshold", Json("""{"min":2}"""), asOf, Ct)).Value!;
        Assert.Equal((AnalyticsRunStatus.Queued, asOf), ((await _runs.GetAsync(queued.Id, Ct)).Value!.Status, queued.AsOf));
        Time.Advance(TimeSpan.FromSeconds(3));

        var run = await _runs.ExecuteAsync(queued, null, Ct);

        var stored = (await _runs.GetAsync(run.Id, Ct)).Value!;
        Assert.Equal((AnalyticsRunStatus.Succeeded, queued.StartedAt.AddSeconds(3), true), (stored.Status, stored.FinishedAt, stored.Promoted));
        Assert.Equal(2, stored.Result!.Value.GetProperty("min").GetInt32());
        Assert.Equal(2, stored.Parameters.GetProperty("min").GetInt32());
        Assert.Equal(["chart.svg"], stored.ArtifactNames!);
        Assert.Equal("<svg/>", Encoding.UTF8.GetString((await _runs.ArtifactAsync(run.Id, "chart.svg", Ct)).Value!.Content));
        Assert.Equal(ProblemKind.NotFound, (await _runs.ArtifactAsync(run.Id, "other.svg", Ct)).Problem!.Kind);
        Assert.Equal(run.Id, (await _runs.InUseAsync("threshold", Ct))?.Id);
    }

    [Fact]
    public async Task A_job_that_refuses_or_throws_leaves_a_failed_run_saying_why()
    {
        var refused = await _runs.RunAsync("threshold", Json("""{"min":99}"""), null, null, Ct);
        Assert.Equal((AnalyticsRunStatus.Failed, "parameters.min: no profile has that many orders"), (refused.Value!.Status, refused.Value.Error));

        var thrown = await _runs.RunAsync("threshold", Json("""{"min":13}"""), null, null, Ct);
        Assert.Equal(AnalyticsRunStatus.Failed, thrown.Value!.Status);
        Assert.Equal("run: failed: unlucky", thrown.Value.Error);
        Assert.Null(await _runs.InUseAsync("threshold", Ct));
    }

    [Fact]
    public async Task Scores_are_written_back_as_traits_with_the_run_that_made_them_once_and_unknown_profiles_are_skipped()
    {
        await IngestAsync(ConsentingToProfiling(
            Identify(At(1), userId: "u1"),
            Track("Order Completed", At(2), userId: "u1"),
            Track("Order Completed", At(3), userId: "u1"),
            Identify(At(4), anonymousId: "a2"),
            Track("Order Completed", At(5), anonymousId: "a2")));

        var run = (await _runs.RunAsync("threshold", Json("""{"min":2}"""), null, null, Ct)).Value!;
        await IngestAsync();

        var u1 = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, "u1"), Ct))!;
        var a2 = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.AnonymousId, "a2"), Ct))!;
        Assert.Equal((AnalyticsRunStatus.Succeeded, 2L), (run.Status, run.ProfilesWritten));
        Assert.True(u1.Traits["frequent"].Value.GetBoolean());
        Assert.False(a2.Traits["frequent"].Value.GetBoolean());
        var model = u1.Traits["threshold_model"].Value;
        Assert.Equal(("orders >= 2", run.Id), (model.GetProperty("model").GetString(), model.GetProperty("version").GetString()));
        var history = await Store.Profiles.TraitHistoryAsync(u1.Id, "frequent", Ct);
        Assert.Equal((ScoreWriter.Source, $"ana-{run.Id}-{u1.Id}"), (history.Single().Source, history.Single().MessageId));

        var again = await _scores.WriteAsync("threshold", run.Id, "orders >= 2", [new ProfileScores(u1.Id, new Dictionary<string, object?> { ["frequent"] = true }),
            new ProfileScores("prf_unknown", new Dictionary<string, object?> { ["frequent"] = true })], Ct);
        await IngestAsync();
        Assert.Equal(new ScoreWriter.Written(1, 1), again);
        Assert.Single(await Store.Profiles.TraitHistoryAsync(u1.Id, "frequent", Ct));
    }

    /// <summary>A small real job: marks profiles with at least <c>min</c> orders as <c>frequent</c>.</summary>
    private sealed class ThresholdJob(ScoreWriter scores, IAnalyticsStore store) : AnalyticsJob<ThresholdJob.Parameters>
    {
        public sealed record Parameters(int Min = 1);

        public override string Kind => "threshold";

        protected override OperationProblem? Validate(Parameters parameters) =>
            parameters.Min is < 0 or > 100 ? OperationProblem.Invalid("parameters.min", "must be between 0 and 100") : null;

        protected override async Task<OperationResult<AnalyticsOutput>> RunAsync(Parameters parameters, AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct)
        {
            if (parameters.Min == 13) throw new InvalidOperationException("unlucky");
            if (parameters.Min == 99) return OperationProblem.Invalid("parameters.min", "no profile has that many orders");
            var orders = new Dictionary<string, int>(StringComparer.Ordinal);
            await foreach (var order in store.ReadTracksAsync(["Order Completed"], request.AsOf, ct))
                orders[order.ProfileId] = orders.GetValueOrDefault(order.ProfileId) + 1;
            progress.Report(new AnalyticsProgress("writing", 0.5));
            var written = await scores.WriteAsync(Kind, request.RunId, $"orders >= {parameters.Min}",
                orders.Select(o => new ProfileScores(o.Key, new Dictionary<string, object?> { ["frequent"] = o.Value >= parameters.Min })), ct);
            return new AnalyticsOutput(JsonSerializer.SerializeToElement(new { min = parameters.Min, profiles = orders.Count }),
                [new AnalyticsArtifact("chart.svg", "image/svg+xml", Encoding.UTF8.GetBytes("<svg/>"))], written.Profiles, Promoted: true);
        }
    }
}
