using System.Text;
using System.Text.Json;
using Tailor.Core.Analytics;
using Tailor.Storage;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor analytics runs|show</c> on a real SQLite store, run as a child process.</summary>
public sealed class AnalyticsCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Stored_runs_are_listed_shown_as_json_and_their_artifacts_saved_without_leaving_the_directory()
    {
        var data = _dir.File("data");
        var at = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        await using (var store = await TailorStores.OpenAsync(data, null, Ct))
        {
            var result = JsonDocument.Parse("""{"customers":42}""").RootElement.Clone();
            await store.Analytics.SaveRunAsync(new AnalyticsRun("run_a", "rfm", AnalyticsRunStatus.Succeeded, JsonDocument.Parse("{}").RootElement.Clone(), at, at, at.AddSeconds(2), result, ProfilesWritten: 42),
                [new AnalyticsArtifact("../escape.svg", "image/svg+xml", Encoding.UTF8.GetBytes("<svg/>"))], Ct);
        }

        var runs = await Tailor.RunAsync(_dir.Path, "analytics", "runs", "--data", data);
        var show = await Tailor.RunAsync(_dir.Path, "analytics", "show", "run_a", "--json", "--charts", _dir.File("charts"), "--data", data);
        var missing = await Tailor.RunAsync(_dir.Path, "analytics", "show", "run_nope", "--data", data);

        Assert.Equal(0, runs.ExitCode);
        Assert.Contains("run_a", runs.Output, StringComparison.Ordinal);
        Assert.Contains("succeeded", runs.Output, StringComparison.Ordinal);
        Assert.Equal(0, show.ExitCode);
        var json = JsonDocument.Parse(show.Output).RootElement;
        Assert.Equal(("succeeded", 42), (json.GetProperty("status").GetString(), json.GetProperty("result").GetProperty("customers").GetInt32()));
        Assert.True(File.Exists(Path.Combine(_dir.File("charts"), "escape.svg")));
        Assert.False(File.Exists(_dir.File("escape.svg")));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("error: id: no run has id run_nope", missing.Output, StringComparison.Ordinal);
    }
}
