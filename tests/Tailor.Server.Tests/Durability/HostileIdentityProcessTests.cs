using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using static Tailor.Server.Tests.Hosting.ProcessClient;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// Merge guards, profile caps and merge undo on the real <c>tailor serve</c> process: a hostile stream does not
/// collapse strangers into one profile or grow one without bound, and an undone merge restores both profiles while
/// the pipeline keeps running.
/// </summary>
public sealed class HostileIdentityProcessTests : IDisposable
{
    private const int Visitors = 40;
    private readonly string _data = TempDirectory.Create("hostile-ids");
    private readonly string _writeKey = $"wk_hostile_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_hostile_{Guid.NewGuid():N}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> Limits = new()
    {
        ["TAILOR_MAX_IDENTITIES"] = "5",
        ["TAILOR_MAX_TRAITS"] = "20",
    };

    [Fact]
    public async Task Hostile_ids_do_not_collapse_visitors_profiles_stay_within_caps_and_an_undone_merge_restores_both()
    {
        await using var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey, Limits);
        using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
        using var admin = Client(tailor.BaseAddress, new AuthenticationHeaderValue("Bearer", _adminKey));

        // 1. Many visitors whose tracking code sends "undefined" / "null" / "0" as ids.
        var batch = new JsonArray();
        for (var v = 0; v < Visitors; v++)
        {
            batch.Add(new JsonObject { ["type"] = "track", ["event"] = "Viewed", ["userId"] = "undefined", ["anonymousId"] = $"visitor-{v}" });
            batch.Add(new JsonObject
            {
                ["type"] = "identify", ["userId"] = "null", ["anonymousId"] = $"visitor-{v}",
                ["traits"] = new JsonObject { ["email"] = "undefined", ["phone"] = "0" },
                ["context"] = new JsonObject { ["device"] = new JsonObject { ["id"] = "[object Object]" } },
            });
            batch.Add(new JsonObject { ["type"] = "track", ["event"] = "Viewed", ["userId"] = "undefined", ["anonymousId"] = "null" });
        }
        await ingest.SendAsync("/v1/batch", new JsonObject { ["batch"] = batch });
        await PipelineProgress.WaitUntilCaughtUpAsync(admin);

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var v = 0; v < Visitors; v++)
        {
            var profile = await admin.LookupAsync("anonymousId", $"visitor-{v}");
            Assert.Equal(2, profile.EventCount());
            Assert.Equal(["anonymousId"], profile["identities"]!.AsArray().Select(i => (string)i!["type"]!));
            ids.Add(profile.Id());
        }
        Assert.Equal(Visitors, ids.Count);
        foreach (var (type, value) in new[] { ("userId", "undefined"), ("userId", "null"), ("anonymousId", "null"), ("email", "undefined"), ("deviceId", "[object Object]") })
        {
            using var missing = await admin.GetResponseAsync($"/api/profiles/lookup?type={type}&value={Uri.EscapeDataString(value)}");
            await missing.ShouldBeAsync(HttpStatusCode.NotFound);
        }
        var refusals = await admin.GetArrayAsync("/api/profiles/refusals?limit=1000");
        Assert.Equal(Visitors, refusals.Count(r => (string)r!["kind"]! == "unresolvable"));

        // 2. One profile fed ever more identities and traits stays within the caps; existing traits still update.
        var grower = new JsonArray();
        for (var i = 0; i < 12; i++)
        {
            var traits = new JsonObject();
            for (var t = 0; t < 5; t++) traits[$"t{i * 5 + t}"] = i;
            grower.Add(new JsonObject
            {
                ["type"] = "identify", ["userId"] = "grower", ["traits"] = traits,
                ["context"] = new JsonObject { ["device"] = new JsonObject { ["id"] = $"device-{i}" } },
            });
        }
        grower.Add(new JsonObject { ["type"] = "identify", ["userId"] = "grower", ["traits"] = new JsonObject { ["t0"] = "updated" } });
        await ingest.SendAsync("/v1/batch", new JsonObject { ["batch"] = grower });
        await PipelineProgress.WaitUntilCaughtUpAsync(admin);
        var grown = await admin.LookupAsync("userId", "grower");
        Assert.Equal(5, grown["identities"]!.AsArray().Count);
        Assert.Equal(20, grown["traits"]!.AsObject().Count);
        Assert.Equal("updated", (string)grown["traits"]!["t0"]!);
        Assert.Equal(13, grown.EventCount());
        var kinds = (await admin.GetArrayAsync($"/api/profiles/{grown.Id()}/refusals")).Select(r => (string)r!["kind"]!).ToHashSet();
        Assert.Equal(new HashSet<string> { "identity", "trait" }, kinds);

        // 3. A merge, undone through the API.
        await ingest.SendAsync("/v1/batch", new JsonObject
        {
            ["batch"] = new JsonArray
            {
                new JsonObject { ["type"] = "page", ["name"] = "Shoes", ["anonymousId"] = "shopper-anon" },
                new JsonObject { ["type"] = "identify", ["anonymousId"] = "shopper-anon", ["traits"] = new JsonObject { ["color"] = "red" } },
                new JsonObject { ["type"] = "identify", ["userId"] = "shopper", ["traits"] = new JsonObject { ["plan"] = "pro" } },
                new JsonObject { ["type"] = "track", ["event"] = "Order Completed", ["userId"] = "shopper", ["properties"] = new JsonObject { ["revenue"] = 10 } },
                new JsonObject { ["type"] = "identify", ["userId"] = "shopper", ["anonymousId"] = "shopper-anon" },
            },
        });
        await PipelineProgress.WaitUntilCaughtUpAsync(admin);
        var merged = await admin.LookupAsync("anonymousId", "shopper-anon");
        Assert.Equal(5, merged.EventCount());
        var merge = Assert.Single(await admin.GetArrayAsync($"/api/profiles/{merged.Id()}/merges"))!.AsObject();
        var mergeId = (long)merge["id"]!;

        using (var accepted = await admin.PostRawAsync($"/api/profiles/merges/{mergeId}/undo", ""))
            await accepted.ShouldBeAsync(HttpStatusCode.Accepted);
        var undone = await WaitForUndoAsync(admin, mergeId);
        Assert.Contains("identities 1, events 2", (string)undone["undo"]!, StringComparison.Ordinal);
        using (var again = await admin.PostRawAsync($"/api/profiles/merges/{mergeId}/undo", ""))
        {
            await again.ShouldBeAsync(HttpStatusCode.Conflict);
            Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        }
        using (var unknown = await admin.PostRawAsync("/api/profiles/merges/999999/undo", ""))
            await unknown.ShouldBeAsync(HttpStatusCode.NotFound);

        var restored = await admin.LookupAsync("anonymousId", "shopper-anon");
        var survivor = await admin.LookupAsync("userId", "shopper");
        Assert.Equal((string)merge["loserId"]!, restored.Id());
        Assert.Equal((string)merge["winnerId"]!, survivor.Id());
        Assert.Equal((2L, "red"), (restored.EventCount(), (string?)restored["traits"]!["color"]));
        Assert.Equal((3L, "pro", 1L), (survivor.EventCount(), (string?)survivor["traits"]!["plan"], (long)survivor["computed"]!["orderCount"]!));
        Assert.Null(survivor["traits"]!["color"]);
        Assert.Equal(2, (await admin.EventsAsync(restored.Id())).Count);

        // The pipeline keeps running after the undo.
        await ingest.SendAsync("/v1/track", new JsonObject { ["event"] = "Viewed", ["anonymousId"] = "shopper-anon" });
        var status = await PipelineProgress.WaitUntilCaughtUpAsync(admin);
        Assert.Equal(0, (long)status["lag"]!);
        Assert.Equal(3, (await admin.LookupAsync("anonymousId", "shopper-anon")).EventCount());
        Assert.False(tailor.HasExited, tailor.Output);
    }

    private static async Task<JsonObject> WaitForUndoAsync(HttpClient admin, long mergeId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var merge = await admin.GetObjectAsync($"/api/profiles/merges/{mergeId}");
            if (merge["undoneAt"] is not null) return merge;
            Assert.True(clock.Elapsed < PipelineProgress.Timeout, $"merge {mergeId} was not undone: {merge.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }

    public void Dispose() => TempDirectory.Delete(_data);
}
