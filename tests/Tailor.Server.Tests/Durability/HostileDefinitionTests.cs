using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Durability;

/// <summary>
/// Issue 10, limits and budgets, on the real <c>tailor serve</c> process: rules nested deep enough to overflow the
/// stack are refused (or, when written straight into the database, disabled at start) and the process keeps serving;
/// a Liquid range bomb is a quick clear error in a preview and the fallback content on /v1/personalize.
/// </summary>
public sealed class HostileDefinitionTests : IDisposable
{
    private readonly string _data = TempDirectory.Create("hostile");
    private readonly string _writeKey = $"wk_hostile_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_hostile_{Guid.NewGuid():N}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deeply_nested_conditions_are_refused_and_the_process_stays_up()
    {
        await using var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey);
        using var admin = Client(tailor, new AuthenticationHeaderValue("Bearer", _adminKey));

        var deepText = string.Concat(Enumerable.Repeat("not ", 3000)) + "has tag \"x\"";
        using (var response = await admin.PostObjectAsync("/api/segments", new { name = "deep", rule = deepText }))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rule", "MaxRuleDepth");
        using (var response = await admin.PostObjectAsync("/api/segments", new { name = "long", rule = string.Concat(Enumerable.Repeat("not ", 6000)) + "has tag \"x\"" }))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rule", "MaxRuleTextLength");
        var parens = new string('(', 3000) + "has tag \"x\"" + new string(')', 3000);
        using (var response = await admin.PostObjectAsync("/api/segments", new { name = "parens", rule = parens }))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rule", "MaxRuleDepth");
        // ~70 levels used to be saved and then fail every list of segments.
        using (var response = await admin.PostObjectAsync("/api/segments", new { name = "seventy", rule = string.Concat(Enumerable.Repeat("not (", 35)) + "has tag \"x\"" + new string(')', 35) }))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "rule", "MaxRuleDepth");
        JsonNode json = new JsonObject { ["tag"] = "x" };
        for (var i = 0; i < 30; i++) json = new JsonObject { ["not"] = json };
        using (var response = await admin.PostObjectAsync("/api/segments", new { name = "deep-json", ruleJson = json }))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "ruleJson" + string.Concat(Enumerable.Repeat(".not", 24)), "MaxRuleDepth");
        using (var response = await admin.PostObjectAsync("/api/blocks", new
        {
            name = "deep-block",
            variants = new[] { new { name = "v", condition = deepText, body = "v" } },
            @default = new { body = "d" },
        }))
            await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "variants[0].condition", "MaxRuleDepth");

        // Still serving: a sensible segment saves, the list answers, an event is taken.
        using (var response = await admin.PostObjectAsync("/api/segments", new { name = "Tagged", rule = "has tag \"x\"" }))
            await response.ShouldBeAsync(HttpStatusCode.Created);
        Assert.Single(await admin.GetArrayAsync("/api/segments"));
        using var writer = Client(tailor, TailorAppFixture.BasicAuth(_writeKey));
        await writer.SendAsync("/v1/identify", new { userId = "ann", traits = new { plan = "pro" } });
        Assert.False(tailor.HasExited, tailor.Output);
    }

    [Fact]
    public async Task A_too_deep_rule_written_into_the_database_is_disabled_at_start_and_the_rest_works()
    {
        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var admin = Client(tailor, new AuthenticationHeaderValue("Bearer", _adminKey));
            using var response = await admin.PostObjectAsync("/api/segments", new { name = "Pro", rule = "trait plan = \"pro\"" });
            await response.ShouldBeAsync(HttpStatusCode.Created);
            await tailor.KillAsync();
        }
        // What an older version (or a hand-written row) could leave behind: deep enough to overflow any stack.
        await using (var connection = new SqliteConnection($"Data Source={TailorStores.SqlitePath(_data)};Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO segments (id, name, rule, parent_id, min_size, created_at, updated_at) VALUES ('seg_deep', 'Deep', $rule, NULL, 50, 0, 0)";
            insert.Parameters.AddWithValue("$rule", string.Concat(Enumerable.Repeat("not ", 100_000)) + "has tag \"x\"");
            await insert.ExecuteNonQueryAsync(Ct);
        }

        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var admin = Client(tailor, new AuthenticationHeaderValue("Bearer", _adminKey));
            using var writer = Client(tailor, TailorAppFixture.BasicAuth(_writeKey));
            var segments = await admin.GetArrayAsync("/api/segments");
            var deep = segments.Single(s => (string)s!["name"]! == "Deep")!;
            Assert.Contains("MaxRuleDepth", (string)deep["disabled"]!);
            Assert.Null(segments.Single(s => (string)s!["name"]! == "Pro")!["disabled"]);
            Assert.Contains("MaxRuleDepth", (string)(await admin.GetObjectAsync("/api/segments/Deep"))["disabled"]!);

            // Events are processed and the live segment still follows them.
            await writer.SendAsync("/v1/identify", new { userId = "ann", traits = new { plan = "pro" } });
            var clock = Stopwatch.StartNew();
            long size = 0;
            while (size == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                size = (long)(await admin.GetObjectAsync("/api/segments/Pro"))["size"]!;
                if (size == 0) await Task.Delay(50, Ct);
            }
            Assert.Equal(1, size);
            Assert.Contains("Stored segment 'Deep' is disabled", tailor.Output);

            // The disabled segment can be deleted like any other.
            using var deleted = await admin.DeleteAsync("/api/segments/Deep", Ct);
            await deleted.ShouldBeAsync(HttpStatusCode.NoContent);
            Assert.False(tailor.HasExited, tailor.Output);
        }
    }

    [Fact]
    public async Task A_range_bomb_in_a_template_preview_is_a_quick_clear_error()
    {
        await using var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey);
        using var admin = Client(tailor, new AuthenticationHeaderValue("Bearer", _adminKey));
        using (var saved = await admin.PostObjectAsync("/api/templates", new { name = "bomb", body = "{% for i in (1..100000000) %}{{ i }}{% endfor %}" }))
            await saved.ShouldBeAsync(HttpStatusCode.Created);
        var clock = Stopwatch.StartNew();
        using var preview = await admin.PostObjectAsync("/api/templates/bomb/preview", new { });
        await preview.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "body", "MaxRangeLength");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the preview took {clock.Elapsed}");
        Assert.False(tailor.HasExited, tailor.Output);
    }

    [Fact]
    public async Task Personalize_with_a_range_bound_read_from_a_trait_answers_the_fallback_quickly()
    {
        await using var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey);
        using var admin = Client(tailor, new AuthenticationHeaderValue("Bearer", _adminKey));
        using var writer = Client(tailor, TailorAppFixture.BasicAuth(_writeKey));
        using (var block = await admin.PostObjectAsync("/api/blocks", new
        {
            name = "hero",
            variants = new[] { new { name = "counted", condition = "trait n exists", body = "{% for i in (1..profile.n) %}{{ i }}{% endfor %}" } },
            @default = new { body = "Spring sale" },
        }))
            await block.ShouldBeAsync(HttpStatusCode.Created);
        using (var placement = await admin.PostObjectAsync("/api/placements", new { name = "home", block = "hero" }))
            await placement.ShouldBeAsync(HttpStatusCode.Created);
        await writer.SendAsync("/v1/identify", new { userId = "mallory", traits = new { n = 100_000_000, consent = new { personalization = true } } });

        // Wait until the profile holds the trait, then ask for the placement.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var lookup = await admin.GetAsync("/api/profiles/lookup?type=userId&value=mallory", Ct);
            if (lookup.IsSuccessStatusCode && (await lookup.JsonAsync())["traits"]?["n"] is not null) break;
            await Task.Delay(50, Ct);
        }
        clock.Restart();
        using var response = await writer.GetAsync("/v1/personalize?placement=home&userId=mallory", Ct);
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var answer = await response.JsonAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"personalize took {clock.Elapsed}");
        Assert.Equal("Spring sale", (string)answer["content"]!);
        Assert.False(tailor.HasExited, tailor.Output);
    }

    private static HttpClient Client(TailorProcess tailor, AuthenticationHeaderValue authorization) => ProcessClient.Client(tailor.BaseAddress, authorization);

    public void Dispose() => TempDirectory.Delete(_data);
}
