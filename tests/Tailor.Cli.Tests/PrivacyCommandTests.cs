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

    [Fact]
    public async Task Erase_removes_the_person_needs_yes_outside_a_terminal_and_keeps_the_consent_history_in_the_export_until_then()
    {
        var events = _dir.File("events.ndjson");
        await File.WriteAllLinesAsync(events, [
            """{"type":"identify","userId":"cli-zed","traits":{"email":"zed@example.com","first_name":"Zed","consent":{"email":true,"version":"v9"}},"messageId":"z-1","timestamp":"2026-11-01T10:00:00Z"}""",
            """{"type":"identify","userId":"cli-amy","traits":{"email":"amy@example.com"},"messageId":"a-1","timestamp":"2026-11-01T10:00:00Z"}""",
        ], TestContext.Current.CancellationToken);
        Assert.Equal(0, (await RunAsync("import", events)).ExitCode);
        var archive = _dir.File("zed.json");
        Assert.Equal(0, (await RunAsync("privacy", "export", "--type", "email", "--value", "zed@example.com", "--out", archive)).ExitCode);
        var history = JsonNode.Parse(await File.ReadAllTextAsync(archive, TestContext.Current.CancellationToken))!["consentHistory"]!.AsArray();
        Assert.Equal(("email", true, "v9"), ((string)history.Single()!["purpose"]!, (bool)history.Single()!["granted"]!, (string)history.Single()!["version"]!));

        var unconfirmed = await RunAsync("privacy", "erase", "--type", "email", "--value", "zed@example.com");
        var erased = await RunAsync("privacy", "erase", "--type", "email", "--value", "ZED@example.com", "--yes");
        var again = await RunAsync("privacy", "export", "--type", "userId", "--value", "cli-zed");

        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Output, StringComparison.Ordinal);
        Assert.Equal(0, erased.ExitCode);
        Assert.Contains("Erased profile", erased.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Equal(0, (await RunAsync("privacy", "export", "--type", "email", "--value", "amy@example.com", "--out", _dir.File("amy.json"))).ExitCode);
        var late = _dir.File("late.ndjson");
        await File.WriteAllLinesAsync(late, ["""{"type":"track","userId":"cli-zed","event":"Order Completed","messageId":"z-2","timestamp":"2026-11-03T10:00:00Z"}"""], TestContext.Current.CancellationToken);
        Assert.Equal(0, (await RunAsync("import", late)).ExitCode);
        Assert.Equal(2, (await RunAsync("privacy", "export", "--type", "userId", "--value", "cli-zed")).ExitCode); // an import does not bring them back
        var audit = await RunAsync("audit", "--action", "privacy erase", "--json");
        Assert.Contains("privacy erase by email", audit.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("zed@example.com", audit.Output, StringComparison.OrdinalIgnoreCase);
    }
}
