using System.Text.Json.Nodes;

namespace Tailor.Cli.Tests;

/// <summary>
/// <c>tailor sources privacy</c> reads and changes a source's privacy settings through the same use case as
/// <c>/api/sources/{id}/privacy</c>, and <c>tailor import</c> applies them exactly as ingestion does (issue 13).
/// </summary>
public sealed class SourcePrivacyCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => Tailor.RunAsync(_dir.Path, [.. args, "--data", _dir.File("data")]);

    [Fact]
    public async Task Settings_are_printed_changed_only_where_given_and_refused_naming_the_option()
    {
        Assert.Equal(0, (await RunAsync("sources", "create", "shop")).ExitCode);

        var set = await RunAsync("sources", "privacy", "shop", "--mode", "pseudonymous", "--deny-traits", "phone, first_name", "--allow-properties", "revenue,sku");
        var narrowed = await RunAsync("sources", "privacy", "shop", "--allow-properties", "");
        var shown = await RunAsync("sources", "privacy", "shop");
        var bad = await RunAsync("sources", "privacy", "shop", "--deny-traits", "phone,\u0007bell");
        var badMode = await RunAsync("sources", "privacy", "shop", "--mode", "forget");
        var unknown = await RunAsync("sources", "privacy", "nowhere");

        Assert.True(set.ExitCode == 0, set.Output);
        Assert.Equal(["revenue", "sku"], JsonNode.Parse(set.Output)!["privacy"]!["allowProperties"]!.AsArray().Select(n => (string)n!));
        Assert.True(narrowed.ExitCode == 0, narrowed.Output);
        var privacy = JsonNode.Parse(shown.Output)!["privacy"]!;
        Assert.Equal("pseudonymous", (string)privacy["withoutAnalyticsConsent"]!); // kept: not given the second time
        Assert.Equal(["phone", "first_name"], privacy["denyTraits"]!.AsArray().Select(n => (string)n!));
        Assert.Null(privacy["allowProperties"]); // "" emptied the list: every property is kept again
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--deny-traits[1]: must be a printable name", bad.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, badMode.ExitCode);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("source: must be an existing source", unknown.Output, StringComparison.Ordinal);
        Assert.Equal("pseudonymous", (string)JsonNode.Parse((await RunAsync("sources", "privacy", "shop")).Output)!["privacy"]!["withoutAnalyticsConsent"]!);
    }

    [Fact]
    public async Task Import_applies_the_source_policy_like_ingestion_drops_denied_fields_and_events_without_analytics_consent()
    {
        Assert.Equal(0, (await RunAsync("sources", "create", "shop")).ExitCode);
        Assert.Equal(0, (await RunAsync("sources", "privacy", "shop", "--mode", "drop", "--deny-traits", "phone", "--deny-properties", "card_number")).ExitCode);
        var events = _dir.File("events.ndjson");
        await File.WriteAllLinesAsync(events, [
            """{"type":"identify","userId":"imp-ann","traits":{"email":"ann@example.com","phone":"+41 79 555 01 23","plan":"pro"},"context":{"consent":{"categoryPreferences":{"Analytics":true}}},"messageId":"p-1","timestamp":"2026-11-01T10:00:00Z"}""",
            """{"type":"track","userId":"imp-ann","event":"Order Completed","properties":{"revenue":42,"card_number":"4111111111111111"},"messageId":"p-2","timestamp":"2026-11-02T10:00:00Z"}""",
            """{"type":"identify","userId":"imp-bob","traits":{"email":"bob@example.com"},"messageId":"p-3","timestamp":"2026-11-01T10:00:00Z"}""",
        ], Ct);

        var imported = await RunAsync("import", events, "--source", "shop");
        var ann = _dir.File("ann.json");
        var exported = await RunAsync("privacy", "export", "--type", "userId", "--value", "imp-ann", "--out", ann);
        var bob = await RunAsync("privacy", "export", "--type", "userId", "--value", "imp-bob");

        Assert.True(imported.ExitCode == 0, imported.Output);
        Assert.True(exported.ExitCode == 0, exported.Output);
        var archive = JsonNode.Parse(await File.ReadAllTextAsync(ann, Ct))!;
        var traits = archive["profile"]!["traits"]!.AsObject();
        Assert.Equal("pro", (string)traits["plan"]!["value"]!);
        Assert.False(traits.ContainsKey("phone")); // denied trait: never stored
        var text = archive.ToJsonString();
        Assert.DoesNotContain("4111111111111111", text, StringComparison.Ordinal); // denied property: never stored
        Assert.Contains("\"revenue\":42", text, StringComparison.Ordinal);
        Assert.Equal(2, bob.ExitCode); // no analytics consent, mode drop: the event was not stored, no profile exists
    }
}
