namespace Tailor.Cli.Tests;

/// <summary><c>tailor tracking-plan …</c>, run as a child process.</summary>
public sealed class TrackingPlanCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Schemas_are_put_checked_listed_read_and_deleted_and_a_source_mode_set()
    {
        var data = _dir.File("data");
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "sources", "create", "website", "--data", data)).ExitCode);
        var schema = _dir.File("order.json");
        await File.WriteAllTextAsync(schema, """{"type": "object", "required": ["revenue"], "properties": {"revenue": {"type": "number"}}}""", Ct);

        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "tracking-plan", "put", "Order Completed", "--schema-file", schema, "--data", data)).ExitCode);
        var invalid = await Tailor.RunAsync(_dir.Path, "tracking-plan", "put", "Broken", "--schema", """{"type": "objekt"}""", "--data", data);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("must be a valid draft 2020-12 schema", invalid.Output, StringComparison.Ordinal);
        var mode = await Tailor.RunAsync(_dir.Path, "tracking-plan", "mode", "website", "block", "--data", data);
        Assert.Equal(0, mode.ExitCode);
        Assert.Equal(2, (await Tailor.RunAsync(_dir.Path, "tracking-plan", "mode", "website", "strict", "--data", data)).ExitCode);

        var list = await Tailor.RunAsync(_dir.Path, "tracking-plan", "list", "--data", data);
        Assert.Contains("Order Completed", list.Output, StringComparison.Ordinal);
        Assert.Contains("block", list.Output, StringComparison.Ordinal);
        Assert.Contains("\"revenue\"", (await Tailor.RunAsync(_dir.Path, "tracking-plan", "get", "Order Completed", "--data", data)).Output, StringComparison.Ordinal);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "tracking-plan", "delete", "Order Completed", "--data", data)).ExitCode);
        Assert.Equal(2, (await Tailor.RunAsync(_dir.Path, "tracking-plan", "get", "Order Completed", "--data", data)).ExitCode);
    }
}
