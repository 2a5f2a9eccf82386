using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Tailor.Server.Tests.Hosting;

/// <summary>Reads the profile pipeline's progress through <c>GET /api/pipeline</c>.</summary>
public static class PipelineProgress
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls until the pipeline has reached the log position (lag 0); fails after <see cref="Timeout"/>.</summary>
    public static async Task<JsonObject> WaitUntilCaughtUpAsync(HttpClient admin)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await admin.GetAsync("/api/pipeline", TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
                Assert.Fail($"GET /api/pipeline answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
            var status = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
            if ((long)status["lag"]! == 0) return status;
            Assert.True(clock.Elapsed < Timeout, $"The profile pipeline did not catch up within {Timeout.TotalSeconds}s: {status.ToJsonString()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
