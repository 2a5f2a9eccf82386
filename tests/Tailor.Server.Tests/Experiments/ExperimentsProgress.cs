using System.Diagnostics;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Experiments;

/// <summary>Results are the experiments follower's tally: waits, through <c>GET /api/pipeline</c>, until it has caught up.</summary>
public static class ExperimentsProgress
{
    /// <summary>Waits for the profile pipeline, then for the segments and experiments followers (lag 0); fails after <see cref="PipelineProgress.Timeout"/>.</summary>
    public static async Task WaitUntilTalliedAsync(HttpClient admin)
    {
        await PipelineProgress.WaitUntilCaughtUpAsync(admin);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await admin.GetObjectAsync("/api/pipeline");
            // Segments too: a breakdown reads the segments' current members.
            var followers = status["followers"]!.AsArray().Where(f => (string)f!["name"]! is "experiments" or "segments").ToArray();
            if (followers.All(f => (long)f!["lag"]! == 0)) return;
            Assert.True(clock.Elapsed < PipelineProgress.Timeout, $"The experiments follower did not catch up: {status.ToJsonString()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
