using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Clients;

/// <summary>
/// Tailor speaks the Segment protocol well enough for Segment's own Node library (<c>@segment/analytics-node</c>,
/// pinned in <c>tests/clients/node/package-lock.json</c>) to deliver to it unchanged.
/// </summary>
public sealed class SegmentNodeClientTests(TailorAppFixture app)
{
    private static string ClientDirectory =>
        typeof(SegmentNodeClientTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NodeClientDirectory").Value!;

    [Fact]
    public async Task Events_sent_by_the_Segment_Node_client_build_one_profile()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        if (!Directory.Exists(Path.Combine(ClientDirectory, "node_modules", "@segment", "analytics-node")))
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromSeconds(90));
        var host = app.BaseAddress.GetLeftPart(UriPartial.Authority);

        var sent = await RunAsync("node", ["send.mjs", host, app.WriteKey, run], TimeSpan.FromSeconds(40));

        Assert.Contains("-> 200", sent, StringComparison.Ordinal);
        await app.WaitForPipelineAsync();
        var profile = await app.Admin.LookupAsync("userId", $"node-user-{run}");
        var traits = profile["traits"]!;
        Assert.Equal("Nora Node", (string)traits["name"]!);
        Assert.Equal("pro", (string)traits["plan"]!);
        Assert.Equal($"Node.{run}@Example.com", (string)traits["email"]!);
        Assert.Contains(("email", $"node.{run}@example.com"), profile.Identities());
        Assert.Contains(("anonymousId", $"node-anon-{run}"), profile.Identities());
        Assert.Contains(("userId", $"node-legacy-{run}"), profile.Identities());
        var computed = profile["computed"]!;
        Assert.Equal(7, (long)computed["eventCount"]!);
        Assert.Equal(3, (long)computed["orderCount"]!);
        Assert.Equal(60m, (decimal)computed["totalRevenue"]!);
        Assert.Equal(1, (long)computed["eventCounts"]!["Page Viewed"]!);
        Assert.Equal(1, (long)computed["eventCounts"]!["Group"]!);
        Assert.Equal(1, (long)computed["eventCounts"]!["Alias"]!);
        Assert.Equal(profile.Id(), (await app.Admin.LookupAsync("userId", $"node-legacy-{run}")).Id());
        Assert.Equal(profile.Id(), (await app.Admin.LookupAsync("anonymousId", $"node-anon-{run}")).Id());
        var events = await app.Admin.EventsAsync(profile.Id());
        Assert.Equal(["alias", "group", "identify", "page", "track", "track", "track"], events.Select(e => (string)e!["type"]!).Order());
        // The library's own message ids are kept, so its retries deduplicate.
        Assert.All(events.MessageIds(), id => Assert.DoesNotContain("tailor_", id, StringComparison.Ordinal));
    }

    private static Task<string> RunAsync(string fileName, string[] arguments, TimeSpan timeout) =>
        Hosting.NodeProcess.RunAsync(fileName, ClientDirectory, arguments, timeout);
}
