using System.Diagnostics;
using System.Text.Json.Nodes;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Segments;

/// <summary>Waits for the segment engine, which runs in the background after the profile pipeline.</summary>
public static class Membership
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Polls the profile (found by userId) until <paramref name="condition"/> holds on its segment names; fails after <see cref="Timeout"/>.</summary>
    public static async Task<JsonObject> WaitForSegmentsAsync(this HttpClient admin, string userId, Func<IReadOnlyList<string>, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var response = await admin.GetResponseAsync($"/api/profiles/lookup?type=userId&value={Uri.EscapeDataString(userId)}");
            var names = new List<string>();
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound) // not yet: the pipeline has not reached the event
            {
                var profile = await response.JsonAsync();
                names = profile["segments"]!.AsArray().Select(s => (string)s!).ToList();
                if (condition(names)) return profile;
            }
            Assert.True(clock.Elapsed < Timeout, $"segments of {userId} never satisfied the condition; last: [{string.Join(", ", names)}]");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls a segment until its recompute is done.</summary>
    public static async Task<JsonObject> WaitForRecomputeAsync(this HttpClient admin, string segmentId)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var segment = await admin.GetObjectAsync($"/api/segments/{segmentId}");
            if ((string?)segment["recompute"]?["state"] == "done") return segment;
            Assert.True(clock.Elapsed < Timeout, $"segment {segmentId} was not recomputed in time: {segment.ToJsonString()}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
