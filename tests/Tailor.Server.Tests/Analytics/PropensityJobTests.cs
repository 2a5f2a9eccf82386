using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tailor.Application;
using Tailor.Application.Analytics;
using Tailor.Application.Analytics.Propensity;
using Tailor.Application.Segments;
using Tailor.Core.Analytics;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Segments.Text;
using Tailor.Server.Tests.Hosting;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Server.Tests.Analytics;

/// <summary>The propensity job over SQLite on a fake clock: trained from the log, promoted by the rule, scores written back and usable in a segment rule.</summary>
public sealed class PropensityJobTests() : SqliteStoreTest("propensity-job")
{
    private AnalyticsRuns _runs = null!;

    protected override async ValueTask SetUpAsync()
    {
        var scores = new ScoreWriter(Store.Analytics, new EventLogSink(Store.Events), Time);
        _runs = new AnalyticsRuns([new PropensityJob(Store.Analytics, scores)], Store.Analytics, new IdSource(Time), Time, NullLogger<AnalyticsRuns>.Instance);
        await IngestAsync(ConsentingToProfiling([.. Shop(customers: 160, seed: 4)]));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>
    /// Customers whose orders stop at a random moment in the last year; views come while they are active. Whether a
    /// customer still orders in the 30 days before now follows from when they stopped, so recent behaviour predicts it.
    /// </summary>
    private IEnumerable<TailorEvent> Shop(int customers, int seed)
    {
        var random = new Random(seed);
        var now = Time.GetUtcNow();
        for (var c = 0; c < customers; c++)
        {
            var user = $"u{c:D3}";
            var stop = -300 + (random.NextDouble() * 360); // days from now; after 0 = still active through the label window
            yield return Identify(now.AddDays(-330), userId: user);
            for (var t = -320 + (random.NextDouble() * 20); t < Math.Min(stop, 0); t += 10 + (random.NextDouble() * 30))
            {
                yield return Track("Order Completed", At(now, t), userId: user, properties: new JsonObject { ["revenue"] = 20 + random.Next(80) });
                yield return Track("Product Viewed", At(now, t - 0.5), userId: user);
            }
        }
    }

    private static DateTimeOffset At(DateTimeOffset now, double days) =>
        DateTimeOffset.FromUnixTimeMilliseconds(now.AddDays(days).ToUnixTimeMilliseconds());

    [Fact]
    public async Task A_run_trains_promotes_and_writes_churn_scores_that_a_segment_rule_picks_up()
    {
        var run = (await _runs.RunAsync("propensity", Json("""{"target":"churn","horizonDays":30,"folds":3}"""), null, null, Ct)).Value!;

        Assert.True(run.Status == AnalyticsRunStatus.Succeeded, run.Error);
        var result = run.Result!.Value;
        Assert.True(run.Promoted, result.GetProperty("promotion").GetString());
        Assert.Equal(Time.GetUtcNow().AddDays(-30), result.GetProperty("cutoff").GetDateTimeOffset());
        Assert.True(result.GetProperty("chosenAuc").GetDouble() > 0.6, result.GetRawText());
        Assert.Equal(["model.zip", "model.json", "roc.svg", "calibration.svg"], run.ArtifactNames!);
        Assert.Equal(result.GetProperty("profilesScored").GetInt64(), run.ProfilesWritten);

        await IngestAsync();
        var engine = new SegmentEngine(Store.Segments, Store.Positions, Store.Profiles, Time);
        await engine.ReloadAsync(Ct);
        var segments = new SegmentOperations(Store.Segments, Store.Triggers, Store.Campaigns, Store.Content, engine, new IdSource(Time), Time);
        var atRisk = (await segments.CreateAsync(new SegmentInput("At risk", RuleParser.Parse("trait churn_score > 0.7")), Ct)).Value!;
        await engine.RecomputeAsync(atRisk.Id, null, Ct);

        var expected = new SortedSet<string>(StringComparer.Ordinal);
        var scored = 0;
        for (var c = 0; c < 160; c++)
        {
            var profile = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, $"u{c:D3}"), Ct))!;
            if (!profile.Traits.TryGetValue("churn_score", out var score)) continue;
            scored++;
            Assert.Equal(run.Id, profile.Traits["churn_score_model"].Value.GetProperty("version").GetString());
            Assert.False(profile.Traits.ContainsKey("propensity_model"));
            if (score.Value.GetDouble() > 0.7) expected.Add(profile.Id);
        }
        Assert.Equal(run.ProfilesWritten, scored);
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < scored, "not every customer is at risk");
        var members = await Store.Segments.MembersAsync(atRisk.Id, null, 1000, Ct);
        Assert.Equal(expected, new SortedSet<string>(members.Select(m => m.ProfileId), StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_model_that_validates_worse_than_the_one_in_use_is_not_promoted_and_writes_nothing()
    {
        var inUse = new AnalyticsRun("run_inuse", "propensity", AnalyticsRunStatus.Succeeded, Json("{}"), Time.GetUtcNow(), Time.GetUtcNow())
        {
            FinishedAt = Time.GetUtcNow(), Promoted = true, Result = Json("""{"target":"churn","horizonDays":30,"chosenAuc":0.999}"""),
        };
        await Store.Analytics.SaveRunAsync(inUse, null, Ct);
        // A model in use for another question does not stand in the way.
        var other = (await _runs.RunAsync("propensity", Json("""{"target":"next_purchase","horizonDays":30,"folds":3}"""), null, null, Ct)).Value!;
        Assert.True(other.Promoted, other.Result?.GetProperty("promotion").GetString() ?? other.Error);
        await IngestAsync(); // folds the scores written back
        var nextScored = 0;
        for (var c = 0; c < 160; c++)
        {
            var profile = (await Store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, $"u{c:D3}"), Ct))!;
            if (!profile.Traits.ContainsKey("next_purchase_score")) continue;
            nextScored++;
            Assert.Equal(other.Id, profile.Traits["next_purchase_score_model"].Value.GetProperty("version").GetString());
        }
        Assert.Equal(other.ProfilesWritten, nextScored);

        var run = (await _runs.RunAsync("propensity", Json("""{"target":"churn","horizonDays":30,"folds":3}"""), null, null, Ct)).Value!;

        Assert.Equal(AnalyticsRunStatus.Succeeded, run.Status);
        Assert.False(run.Promoted);
        Assert.Equal(0, run.ProfilesWritten);
        var promotion = run.Result!.Value.GetProperty("promotion").GetString()!;
        Assert.StartsWith("not promoted: CV AUC", promotion, StringComparison.Ordinal);
        Assert.Contains("worse than 0.999 of the model in use (run_inuse)", promotion, StringComparison.Ordinal);
        Assert.Equal("run_inuse", run.Result.Value.GetProperty("inUseRun").GetString());
    }

    [Fact]
    public async Task Bad_parameters_are_refused_naming_the_field()
    {
        Assert.Equal("parameters.target", (await _runs.QueueAsync("propensity", Json("""{"target":"upsell"}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.horizonDays", (await _runs.QueueAsync("propensity", Json("""{"horizonDays":0}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.folds", (await _runs.QueueAsync("propensity", Json("""{"folds":100}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.iterations", (await _runs.QueueAsync("propensity", Json("""{"iterations":1000000}"""), null, Ct)).Problem!.Field);
        Assert.Equal("parameters.events", (await _runs.QueueAsync("propensity", Json($$"""{"events":[{{string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"e{i}\""))}}]}"""), null, Ct)).Problem!.Field);

        var late = Time.GetUtcNow().AddDays(-10).ToString("O", CultureInfo.InvariantCulture);
        var run = (await _runs.RunAsync("propensity", Json($$"""{"horizonDays":30,"cutoff":"{{late}}"}"""), null, null, Ct)).Value!;
        Assert.Equal(AnalyticsRunStatus.Failed, run.Status);
        Assert.StartsWith("parameters.cutoff: must be at most the as-of moment minus the horizon", run.Error, StringComparison.Ordinal);

        var empty = (await _runs.RunAsync("propensity", Json("""{"orderEvent":"Nothing Like This"}"""), null, null, Ct)).Value!;
        Assert.StartsWith("data: cannot train churn", empty.Error, StringComparison.Ordinal);
    }
}
