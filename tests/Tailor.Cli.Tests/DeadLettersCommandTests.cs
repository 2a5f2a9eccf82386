using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Storage;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor dead-letters …</c> on a real SQLite store, run as a child process.</summary>
public sealed class DeadLettersCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Dead_letters_are_listed_shown_and_replayed_once()
    {
        var data = _dir.File("data");
        var at = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        long id;
        await using (var store = await TailorStores.OpenAsync(data, null, Ct))
        {
            await store.Events.AppendAsync([new TailorEvent("m-1", EventType.Identify, null, "ann", null, at, at, "src_1",
                """{"type":"identify","userId":"ann","traits":{"plan":"pro"}}""")], Ct);
            id = (await store.DeadLetters.AddDeadLetterAsync(new DeadLetter(0, "profiles", "1", "src_1", """{"type":"identify","userId":"ann"}""", "boom", "System.InvalidOperationException", 3, at), Ct)).Id;
            await store.DeadLetters.AddDeadLetterAsync(new DeadLetter(0, "segments", "event:1", null, "{}", "other", null, 3, at), Ct);
        }

        var list = await Tailor.RunAsync(_dir.Path, "dead-letters", "list", "--stage", "profiles", "--data", data);
        var show = await Tailor.RunAsync(_dir.Path, "dead-letters", "show", $"{id}", "--data", data);
        var replay = await Tailor.RunAsync(_dir.Path, "dead-letters", "replay", $"{id}", "--data", data);
        var again = await Tailor.RunAsync(_dir.Path, "dead-letters", "replay", $"{id}", "--data", data);
        var missing = await Tailor.RunAsync(_dir.Path, "dead-letters", "replay", "999", "--data", data);
        var pending = await Tailor.RunAsync(_dir.Path, "dead-letters", "list", "--pending", "--data", data);

        Assert.Equal(0, list.ExitCode);
        Assert.Contains("profiles", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("segments", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("\"reason\": \"boom\"", show.Output, StringComparison.Ordinal);
        Assert.Contains("\"errorType\": \"System.InvalidOperationException\"", show.Output, StringComparison.Ordinal);
        Assert.Equal(0, replay.ExitCode);
        Assert.Contains($"{id}: replayed event 1 appended to the log again as replay-{id}-m-1", replay.Output, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains($"{id}: already-replayed", again.Output, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not-found", missing.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("profiles", pending.Output, StringComparison.Ordinal);
        Assert.Contains("segments", pending.Output, StringComparison.Ordinal);

        await using var after = await TailorStores.OpenAsync(data, null, Ct);
        var log = await after.Events.ReadAfterAsync(0, 10, Ct);
        Assert.Equal(["m-1", $"replay-{id}-m-1"], log.Select(e => e.Event.MessageId)); // appended once, though replayed twice
        Assert.Equal(log[0].Event.Payload, log[1].Event.Payload);
    }
}
