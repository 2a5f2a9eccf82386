using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor merges</c>: list, undo (once) and refusals, on a store the import built.</summary>
public sealed partial class MergesCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [GeneratedRegex(@"│\s*(\d+)\s*│")]
    private static partial Regex FirstColumnNumber();

    [Fact]
    public async Task A_merge_is_listed_undone_once_and_both_profiles_come_back()
    {
        var csv = _dir.File("events.csv");
        await File.WriteAllTextAsync(csv, """
            type,event,userId,anonymousId,timestamp,traits.color,properties.revenue
            page,,,a-1,2026-03-01T09:00:00Z,,
            identify,,,a-1,2026-03-01T09:01:00Z,red,
            track,Order Completed,u-1,,2026-03-01T09:02:00Z,,10
            identify,,u-1,a-1,2026-03-01T09:03:00Z,,
            track,Viewed,undefined,null,2026-03-01T09:04:00Z,,
            """, Ct);
        var data = _dir.File("data");
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "import", csv, "--data", data)).ExitCode);

        var list = await Tailor.RunAsync(_dir.Path, "merges", "list", "u-1", "--data", data);
        Assert.Equal(0, list.ExitCode);
        var mergeId = FirstColumnNumber().Match(list.Output).Groups[1].Value;
        Assert.NotEmpty(mergeId);

        var undo = await Tailor.RunAsync(_dir.Path, "merges", "undo", mergeId, "--data", data);
        var again = await Tailor.RunAsync(_dir.Path, "merges", "undo", mergeId, "--data", data);
        var anonymous = await Tailor.RunAsync(_dir.Path, "profile", "a-1", "--type", "anonymousId", "--data", data);
        var refusals = await Tailor.RunAsync(_dir.Path, "merges", "refusals", "--data", data);

        Assert.True(undo.ExitCode == 0, undo.Output);
        Assert.Contains("\"undoneAt\"", undo.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("cannot be undone", again.Output, StringComparison.Ordinal);
        var json = anonymous.Output[anonymous.Output.IndexOf('{', StringComparison.Ordinal)..];
        using var view = JsonDocument.Parse(json[..(json.LastIndexOf('}') + 1)]);
        Assert.Equal(2, view.RootElement.GetProperty("computed").GetProperty("eventCount").GetInt64());
        Assert.Equal("red", view.RootElement.GetProperty("traits").GetProperty("color").GetString());
        Assert.Contains("unresolvable", refusals.Output, StringComparison.Ordinal);
    }
}
