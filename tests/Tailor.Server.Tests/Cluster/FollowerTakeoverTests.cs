using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Hosting;
using Tailor.Server.Pipeline;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// A follower that this node held, gave to another node and takes back (docs/scale.md, "Partitions of work"): what it
/// loaded when it first started may have changed meanwhile. The trigger follower here starts with no triggers, goes to
/// standby, a trigger is created by "another node" (written to the store, not through this node's API, which would
/// reload this node's engine), an event that starts it is folded while the follower is away, and the follower is taken
/// back. Before the fix the first batch after the take-back ran on the old, empty catalog and the journey never started
/// (the 14 journeys the three-node test lost on a quiet machine).
/// </summary>
public sealed class FollowerTakeoverTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _data = TempDirectory.Create("takeover");
    private readonly TestOwnership _ownership = new();
    private WebApplication? _app;

    [Fact]
    public async Task A_trigger_follower_taken_back_from_another_node_runs_on_the_triggers_created_meanwhile()
    {
        var options = new TailorServerOptions { DataDirectory = _data, Urls = "http://127.0.0.1:0", WriteKey = "wk_takeover", AdminKey = "tk_admin_takeover" };
        _app = await TailorServer.BuildAsync(options, Ct, builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<IFollowerOwnership>(_ownership);
        });
        await _app.StartAsync(Ct);
        var host = _app.Services.GetRequiredService<FollowerHost>();
        var store = _app.Services.GetRequiredService<ITriggerStore>();
        var positions = _app.Services.GetRequiredService<IPositionStore>();
        using var ingest = new HttpClient { BaseAddress = new Uri(Address(_app)), DefaultRequestHeaders = { Authorization = TailorAppFixture.BasicAuth("wk_takeover") } };

        // This node holds the trigger follower first: it starts, with no trigger defined yet.
        await UntilAsync(async () => await StateAsync(host, "triggers") == "running", "the trigger follower runs here");
        // ... then another node holds it.
        _ownership.GiveAway("triggers");
        await UntilAsync(async () => await StateAsync(host, "triggers") == "standby", "the trigger follower is on standby");

        // Meanwhile, through another node: a trigger is created, then an event that starts it is folded.
        var definition = JsonDocument.Parse("""{"name": "Cart", "start": {"event": "Product Added"}, "steps": [{"wait": "1h"}]}""").RootElement;
        var parsed = TriggerValidator.Validate(definition, TriggerCatalog.Empty, new HashSet<string>());
        var trigger = TriggerValidator.NewTrigger("trg_takeover", parsed, definition, DateTimeOffset.UtcNow.AddSeconds(-1));
        await store.SaveTriggerAsync(trigger, Ct);
        await ingest.SendAsync("/v1/track", new { userId = "taken-back", @event = "Product Added" });
        await UntilAsync(async () => await positions.PositionAsync(Followers.Profiles, Ct) > 0, "the event is folded");

        // Taken back: the first batch it steps must already know the trigger.
        _ownership.TakeBack("triggers");
        host.Wake("triggers");
        await UntilAsync(async () => await positions.PositionAsync(Tailor.Application.Triggers.TriggerEngine.EventsPosition, Ct) >= await positions.PositionAsync(Followers.Profiles, Ct),
            "the trigger follower caught up");
        var runs = await store.RunsAsync(trigger.Id, null, 10, Ct);
        var run = Assert.Single(runs);
        Assert.Equal(RunStatus.Waiting, run.Status);
    }

    private static async Task<string?> StateAsync(FollowerHost host, string name) =>
        (await host.StatusAsync(Ct)).SingleOrDefault(s => s.Name == name)?.State;

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Single();

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"not within 20 s: {what}");
            await Task.Delay(20, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        TempDirectory.Delete(_data);
    }
}
