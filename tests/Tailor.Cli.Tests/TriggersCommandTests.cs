namespace Tailor.Cli.Tests;

/// <summary><c>tailor triggers …</c> on a real SQLite store, run as a child process.</summary>
public sealed class TriggersCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Triggers_are_validated_with_the_json_path_created_listed_disabled_and_shown_with_their_runs()
    {
        var data = _dir.File("data");
        var bad = _dir.File("bad.json");
        var good = _dir.File("good.json");
        await File.WriteAllTextAsync(bad, """{"name": "Cart", "start": {"event": "Product Added"}, "steps": [{"wait": "30 minutes"}]}""", Ct);
        await File.WriteAllTextAsync(good, """
            {"name": "Cart", "start": {"event": "Product Added"}, "goal": "Order Completed",
             "steps": [{"wait": "30m"}, {"action": {"email": {"subject": "Your cart", "body": "{{ event.properties.name }}"}}}]}
            """, Ct);

        var invalid = await Tailor.RunAsync(_dir.Path, "triggers", "create", bad, "--data", data);
        var valid = await Tailor.RunAsync(_dir.Path, "triggers", "validate", good, "--data", data);
        var created = await Tailor.RunAsync(_dir.Path, "triggers", "create", good, "--data", data);
        var again = await Tailor.RunAsync(_dir.Path, "triggers", "create", good, "--data", data);
        var disabled = await Tailor.RunAsync(_dir.Path, "triggers", "disable", "Cart", "--data", data);
        var list = await Tailor.RunAsync(_dir.Path, "triggers", "list", "--data", data);
        var runs = await Tailor.RunAsync(_dir.Path, "triggers", "runs", "Cart", "--data", data);

        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("$.steps[0].wait: must be a whole number", invalid.Output, StringComparison.Ordinal);
        Assert.Equal(0, valid.ExitCode);
        Assert.Contains("valid: Cart (2 steps)", valid.Output, StringComparison.Ordinal);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("whsec_", created.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("$.name: must be unique", again.Output, StringComparison.Ordinal);
        Assert.Equal(0, disabled.ExitCode);
        Assert.Contains("Cart", list.Output, StringComparison.Ordinal);
        Assert.Contains(" no ", list.Output, StringComparison.Ordinal);
        Assert.Equal(0, runs.ExitCode);
    }
}
