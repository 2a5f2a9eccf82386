namespace Tailor.Cli.Tests;

/// <summary><c>tailor experiments …</c>, run as a child process.</summary>
public sealed class ExperimentsCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_experiment_is_created_started_listed_read_and_stopped_and_a_bad_one_refused_by_field()
    {
        var data = _dir.File("data");
        var definition = _dir.File("cta.json");
        await File.WriteAllTextAsync(definition, """
            {"key": "cta-color", "subject": {"kind": "flag"}, "variants": [{"key": "blue", "weight": 0.25}, {"key": "green", "weight": 0.75}],
             "primaryMetric": {"name": "orders", "kind": "conversion", "event": "Order Completed"}}
            """, Ct);
        var bad = _dir.File("bad.json");
        await File.WriteAllTextAsync(bad, """{"key": "Bad Key", "subject": {"kind": "flag"}, "variants": [{"key": "a"}, {"key": "b"}]}""", Ct);

        var created = await Tailor.RunAsync(_dir.Path, "experiments", "create", definition, "--data", data);
        Assert.Equal(0, created.ExitCode);
        Assert.Contains("blue 25.0", created.Output, StringComparison.Ordinal);
        var refused = await Tailor.RunAsync(_dir.Path, "experiments", "create", bad, "--data", data);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("key: must be 1 to 64 characters", refused.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "experiments", "start", "cta-color", "--data", data)).ExitCode);
        Assert.Contains("running", (await Tailor.RunAsync(_dir.Path, "experiments", "list", "--data", data)).Output, StringComparison.Ordinal);
        var results = await Tailor.RunAsync(_dir.Path, "experiments", "results", "cta-color", "--json", "--data", data);
        Assert.Equal(0, results.ExitCode);
        Assert.Contains("\"arm\": \"green\"", results.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "experiments", "stop", "cta-color", "--data", data)).ExitCode);
        Assert.Equal(2, (await Tailor.RunAsync(_dir.Path, "experiments", "stop", "cta-color", "--data", data)).ExitCode);
    }
}
