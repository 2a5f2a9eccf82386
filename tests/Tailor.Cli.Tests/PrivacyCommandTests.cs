using System.Text.Json.Nodes;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor privacy export</c> writes the same archive the API serves, found by any identity.</summary>
public sealed class PrivacyCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => Tailor.RunAsync(_dir.Path, [.. args, "--data", _dir.File("data")]);

    [Fact]
    public async Task Export_writes_the_profile_and_its_events_to_a_file()
    {
        var events = _dir.File("events.ndjson");
        await File.WriteAllLinesAsync(events, [
            """{"type":"identify","userId":"cli-ann","traits":{"email":"ann@example.com","first_name":"Ann"},"messageId":"m-1","timestamp":"2026-11-01T10:00:00Z"}""",
            """{"type":"track","userId":"cli-ann","event":"Order Completed","properties":{"revenue":42},"messageId":"m-2","timestamp":"2026-11-02T10:00:00Z"}""",
        ], TestContext.Current.CancellationToken);
        Assert.Equal(0, (await RunAsync("import", events)).ExitCode);
        var archive = _dir.File("ann.json");

        var exported = await RunAsync("privacy", "export", "--type", "email", "--value", "ann@example.com", "--out", archive);
        var unknown = await RunAsync("privacy", "export", "--type", "email", "--value", "bob@example.com");

        Assert.Equal(0, exported.ExitCode);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(archive, TestContext.Current.CancellationToken))!;
        Assert.Equal("Ann", (string)json["profile"]!["traits"]!["first_name"]!["value"]!);
        Assert.Equal(["m-2", "m-1"], json["events"]!.AsArray().Select(e => (string)e!["messageId"]!));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("--value: no profile has this identity", unknown.Output, StringComparison.Ordinal);
    }
}
