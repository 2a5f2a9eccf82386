using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Application.Import;
using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Experiments;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Storage;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor experiments results --breakdown a,b</c>: per segment, per variant, the units and conversions.</summary>
public sealed class ExperimentsBreakdownCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private static async IAsyncEnumerable<ImportRecord> Records(IEnumerable<object> messages)
    {
        await Task.Yield();
        var i = 0;
        foreach (var m in messages) yield return ImportRecord.Ok(++i, JsonSerializer.Serialize(m));
    }

    [Fact]
    public async Task Results_break_down_per_segment_and_variant_with_the_right_counts()
    {
        var data = _dir.File("data");
        var definition = _dir.File("exp.json");
        await File.WriteAllTextAsync(definition, """
            {"key": "hero", "subject": {"kind": "flag"}, "variants": [{"key": "a"}, {"key": "b"}],
             "primaryMetric": {"name": "buys", "kind": "conversion", "event": "Order Completed"}}
            """, Ct);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "experiments", "create", definition, "--data", data)).ExitCode);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "experiments", "start", "hero", "--data", data)).ExitCode);

        // 12 people, half on each plan; every third buys after their exposure.
        var users = Enumerable.Range(0, 12).Select(i => (User: $"u{i}", Plan: i % 2 == 0 ? "pro" : "free", Buys: i % 3 == 0)).ToArray();
        var exposedAt = DateTimeOffset.UtcNow.AddHours(-2);
        var arms = new Dictionary<string, string>();
        await using (var store = await TailorStores.OpenAsync(data, null, Ct))
        {
            var source = await store.Access.CreateSourceAsync(new Source("src_import", "import", "wk_breakdown_test", DateTimeOffset.UnixEpoch), Ct);
            var importer = new EventImporter(store.Events, store.Access, IngestionLimits.Default, TimeProvider.System);
            var pipeline = new ProfilePipeline(store.Events, store.Positions, store.Profiles, store.Merges, store.Triggers, new ProfileReducer(EngagementWeights.Default),
                TimeProvider.System);
            await importer.ImportAsync(Records(users.Select(u => (object)new { type = "identify", userId = u.User, traits = new { plan = u.Plan } })),
                "key-identify-00000", "people.ndjson", source, TextWriter.Null, null, Ct);
            await pipeline.CatchUpAsync(Ct);
            var experiment = (await store.Experiments.GetExperimentAsync("hero", Ct))!;
            var later = new List<object>();
            foreach (var u in users)
            {
                var profileId = (await store.Profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, u.User), Ct))!.Id;
                arms[u.User] = ExperimentAssignment.Arm(experiment.Definition, profileId); // the documented hash
                await store.Experiments.RecordExposureAsync(new Exposure("hero", profileId, arms[u.User], exposedAt), Ct);
                later.Add(new
                {
                    type = "track", @event = "Experiment Viewed", userId = u.User, timestamp = exposedAt.ToString("O"),
                    properties = new { experiment_id = "hero", variation_id = arms[u.User], first_exposure = true },
                });
                if (u.Buys) later.Add(new { type = "track", @event = "Order Completed", userId = u.User, timestamp = exposedAt.AddHours(1).ToString("O"), properties = new { revenue = 10 } });
            }
            await importer.ImportAsync(Records(later), "key-exposures-0000", "exposures.ndjson", source, TextWriter.Null, null, Ct);
            await pipeline.CatchUpAsync(Ct);
        }
        foreach (var plan in new[] { "pro", "free" })
            Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "segments", "create", plan, "--rule", $"trait plan = \"{plan}\"", "--data", data)).ExitCode);

        var results = await Tailor.RunAsync(_dir.Path, "experiments", "results", "hero", "--breakdown", "pro,free", "--json", "--data", data);
        Assert.True(results.ExitCode == 0, results.Output);
        var json = JsonNode.Parse(results.Output)!;
        Assert.Equal(users.Length, json["results"]!["exposures"]!["arms"]!.AsArray().Sum(a => (long)a!["units"]!));
        var breakdown = json["breakdown"]!.AsArray();
        Assert.Equal(["pro", "free"], breakdown.Select(b => (string)b!["segment"]!));
        foreach (var part in breakdown)
        {
            var plan = (string)part!["segment"]!;
            foreach (var arm in new[] { "a", "b" })
            {
                var members = users.Where(u => u.Plan == plan && arms[u.User] == arm).ToArray();
                Assert.Equal(members.Length, (long)part["exposures"]!["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!["units"]!);
                var sums = part["metrics"]![0]!["arms"]!.AsArray().Single(a => (string)a!["arm"]! == arm)!;
                Assert.Equal(members.Count(m => m.Buys), (double)sums["sum"]!);
            }
        }

        // The table form names each segment; a bad breakdown is refused naming the option and the rule.
        var table = await Tailor.RunAsync(_dir.Path, "experiments", "results", "hero", "--breakdown", "pro,free", "--data", data);
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("segment pro", table.Output, StringComparison.Ordinal);
        Assert.Contains("segment free", table.Output, StringComparison.Ordinal);
        var unknown = await Tailor.RunAsync(_dir.Path, "experiments", "results", "hero", "--breakdown", "nope", "--data", data);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("breakdown: must name an existing segment", unknown.Output, StringComparison.Ordinal);
        var both = await Tailor.RunAsync(_dir.Path, "experiments", "results", "hero", "--breakdown", "pro", "--segment", "free", "--data", data);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("breakdown: must not be combined with --segment", both.Output, StringComparison.Ordinal);
    }
}
