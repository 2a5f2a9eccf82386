using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tailor.Server.Hosting;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// An app of its own (on a fake clock that does not move while the shop's history, laid out relative to its now, is read) holding a small shop
/// and one finished run of each model kind the dashboard has a page for — <c>propensity</c> (churn), <c>recommend</c>
/// (model chosen by the offline evaluation) and <c>clv</c> — made through <c>POST /api/analytics/runs</c> as a person
/// would make them. The page tests compare what the pages show with these stored runs.
/// </summary>
public sealed class ModelRunsApp : IAsyncLifetime
{
    /// <summary>Customers of the shop whose orders stop at a random moment (churn follows from it).</summary>
    public const int Customers = 120;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Consent to profiling, which analytics training and write-back are gated on (docs/privacy.md).</summary>
    private static readonly JsonObject Consent = new() { ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["personalization"] = true } } };

    private FakeClockApp _app = null!;

    public Uri BaseAddress => _app.Admin.BaseAddress!;
    public string AdminKey => _app.Options.AdminKey!;
    public HttpClient Admin => _app.Admin;

    /// <summary>The stored runs (<c>GET /api/analytics/runs/{id}</c>) by kind.</summary>
    public Dictionary<string, JsonObject> Runs { get; } = [];

    public async ValueTask InitializeAsync()
    {
        var options = new TailorServerOptions { DataDirectory = TempDirectory.Create("dashboard-models"), WriteKey = "wk_models", AdminKey = "tk_admin_models" };
        // Started at the real time: the session cookie's expiry is checked by data protection on the system clock.
        _app = await FakeClockApp.StartAsync(options, new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        var messages = Shop(_app.Time.GetUtcNow()).ToList();
        foreach (var chunk in messages.Chunk(200)) await _app.Ingest.SendAsync("/v1/batch", new { batch = chunk });
        await PipelineProgress.WaitUntilCaughtUpAsync(_app.Admin);
        foreach (var (kind, parameters) in new (string, object)[]
        {
            ("propensity", new { target = "churn", horizonDays = 30, folds = 3, iterations = 30 }),
            ("recommend", new { model = "auto", top = 10, factors = 4, iterations = 5 }),
            ("clv", new { periodDays = 7 }),
        })
        {
            using var started = await _app.Admin.PostObjectAsync("/api/analytics/runs", new { kind, parameters });
            await started.ShouldBeAsync(HttpStatusCode.Accepted);
            Runs[kind] = await FinishedAsync((string)(await started.JsonAsync())["id"]!);
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>
    /// Customers whose orders stop at a random moment in the last year (each order holds one product of their taste
    /// group, kitchen or garden, and follows a view of it), so recent behaviour predicts churn, lifetimes differ and
    /// tastes cluster. Seeded: the same shop every time.
    /// </summary>
    private static IEnumerable<JsonObject> Shop(DateTimeOffset now)
    {
        var random = new Random(4);
        for (var c = 0; c < Customers; c++)
        {
            var user = $"u{c:D3}";
            var (group, category) = c % 2 == 0 ? ("k", "kitchen") : ("g", "garden");
            var stop = -300 + (random.NextDouble() * 360); // days from now; after 0 = still active through the label window
            yield return new JsonObject { ["type"] = "identify", ["userId"] = user, ["timestamp"] = Http.Iso(now.AddDays(-330)), ["context"] = Consent.DeepClone() };
            for (var t = -320 + (random.NextDouble() * 20); t < Math.Min(stop, 0); t += 10 + (random.NextDouble() * 30))
            {
                var item = $"{group}{random.Next(8)}";
                yield return Track(user, "Product Viewed", now.AddDays(t - 0.5), new JsonObject { ["product_id"] = item, ["category"] = category });
                yield return Track(user, "Order Completed", now.AddDays(t), new JsonObject
                {
                    ["revenue"] = 20 + random.Next(80),
                    ["products"] = new JsonArray(new JsonObject { ["product_id"] = item, ["name"] = item.ToUpperInvariant(), ["price"] = 5, ["category"] = category }),
                });
            }
        }
    }

    private static JsonObject Track(string user, string name, DateTimeOffset at, JsonObject properties) => new()
    {
        ["type"] = "track", ["userId"] = user, ["event"] = name, ["timestamp"] = Http.Iso(at), ["properties"] = properties, ["context"] = Consent.DeepClone(),
    };

    private async Task<JsonObject> FinishedAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = await _app.Admin.GetObjectAsync($"/api/analytics/runs/{id}");
            if ((string)run["status"]! is "succeeded" or "failed")
            {
                Assert.True((string)run["status"]! == "succeeded", run.ToJsonString());
                return run;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"run {id} did not finish: {run.ToJsonString()}");
            await Task.Delay(20, Ct);
        }
    }
}
