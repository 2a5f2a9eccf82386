using System.Diagnostics;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Experiments;

/// <summary>Results are the experiments follower's tally: waits, through <c>GET /api/pipeline</c>, until it has caught up.</summary>
public static class ExperimentsProgress
{
    /// <summary>Waits for the profile pipeline, then for the experiments follower (lag 0); fails after <see cref="PipelineProgress.Timeout"/>.</summary>
    public static async Task WaitUntilTalliedAsync(HttpClient admin)
    {
        await PipelineProgress.WaitUntilCaughtUpAsync(admin);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = await admin.GetObjectAsync("/api/pipeline");
            var follower = status["followers"]!.AsArray().Single(f => (string)f!["name"]! == "experiments")!;
            if ((long)follower["lag"]! == 0) return;
            Assert.True(clock.Elapsed < PipelineProgress.Timeout, $"The experiments follower did not catch up: {follower.ToJsonString()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
