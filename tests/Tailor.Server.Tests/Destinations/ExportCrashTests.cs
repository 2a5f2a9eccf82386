using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;
using static Tailor.Server.Tests.Destinations.DestinationTestSupport;

namespace Tailor.Server.Tests.Destinations;

/// <summary>
/// Exactly once by position, on the real process: <c>tailor serve</c> is SIGKILLed in the middle of a Parquet export;
/// after a restart the export finishes, and DuckDB finds every event once — none lost, none written twice.
/// </summary>
public sealed class ExportCrashTests : IDisposable
{
    private const int Events = 6000;
    private readonly string _data = TempDirectory.Create("export-crash");
    private readonly string _export = TempDirectory.Create("export-crash-lake");
    private readonly string _writeKey = $"wk_export_{Guid.NewGuid():N}";
    private readonly string _adminKey = $"tk_admin_export_{Guid.NewGuid():N}";

    [Fact]
    public async Task A_SIGKILL_mid_export_loses_and_duplicates_no_row()
    {
        string id;
        long lagAtKill;
        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var admin = Client(tailor.BaseAddress, new("Bearer", _adminKey));
            using var ingest = Client(tailor.BaseAddress, TailorAppFixture.BasicAuth(_writeKey));
            // Small steps, so the export is many commits long and the kill lands between (or inside) them.
            id = await CreateAsync(admin, new { name = "lake", kind = "parquet", settings = new { directory = _export, batchSize = 100, tables = new[] { "events", "profiles" } } });
            for (var batch = 0; batch < Events / 250; batch++)
            {
                var messages = Enumerable.Range(0, 250).Select(i => new
                {
                    type = "track", @event = "Order Completed", userId = $"u{(batch * 250 + i) % 50}", messageId = $"m{batch * 250 + i}",
                    timestamp = "2026-03-08T10:00:00Z", properties = new { revenue = 1 },
                    context = new { consent = new { categoryPreferences = new Dictionary<string, bool> { ["data sharing"] = true } } }, // exports are gated on it
                });
                using var response = await ingest.PostAsync("/v1/batch", new StringContent(JsonSerializer.Serialize(new { batch = messages }), System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
                response.EnsureSuccessStatusCode();
            }
            // Kill once the export has committed something and has more to do.
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var status = await admin.GetObjectAsync($"/api/destinations/{id}/status");
                var at = (long)status["positions"]!["events"]!;
                lagAtKill = (long)status["lag"]!;
                if (at > 0) break;
                if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"the export did not start: {status.ToJsonString()}\n{tailor.Output}");
                await Task.Delay(5, TestContext.Current.CancellationToken);
            }
            await tailor.KillAsync();
        }
        Assert.True(lagAtKill > 0, "the export had finished before the kill: nothing was tested");

        await using (var tailor = await TailorProcess.StartAsync(_data, _writeKey, _adminKey))
        {
            using var admin = Client(tailor.BaseAddress, new("Bearer", _adminKey));
            await WaitForStatusAsync(admin, id, s => (long)s["lag"]! == 0, TimeSpan.FromSeconds(60));
        }
        var counts = Query($"SELECT count(*), count(DISTINCT message_id), sum(revenue) FROM read_parquet({Files(_export, "events")})")[0];
        Assert.Equal([Events.ToString(CultureInfo.InvariantCulture), Events.ToString(CultureInfo.InvariantCulture), Events.ToString(CultureInfo.InvariantCulture)], counts);
        Assert.Empty(Directory.GetFiles(_export, "*.tmp", SearchOption.AllDirectories));
    }

    private static HttpClient Client(Uri address, System.Net.Http.Headers.AuthenticationHeaderValue auth)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = auth;
        return client;
    }

    public void Dispose()
    {
        TempDirectory.Delete(_data);
        TempDirectory.Delete(_export);
    }
}
