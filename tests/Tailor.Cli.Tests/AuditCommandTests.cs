using Tailor.Storage;

namespace Tailor.Cli.Tests;

/// <summary>CLI commands are written to the audit trail (never their arguments), and <c>tailor audit</c> reads it back.</summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => Tailor.RunAsync(_dir.Path, [.. args, "--data", _dir.File("data")]);

    [Fact]
    public async Task Commands_are_recorded_without_their_arguments_and_listed_by_tailor_audit()
    {
        Assert.Equal(0, (await RunAsync("sources", "create", "website", "--write-key", "wk_secret_value_1")).ExitCode);
        Assert.Equal(0, (await RunAsync("keys", "create", "dashboard", "--scope", "segments")).ExitCode);

        var listed = await RunAsync("audit", "--json", "--action", "cli keys");
        var badLimit = await RunAsync("audit", "--limit", "0");

        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("\"action\":\"cli keys create\"", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cli sources create", listed.Output, StringComparison.Ordinal); // filtered by action
        Assert.Contains($"\"actor\":\"cli:{Environment.UserName}\"", listed.Output, StringComparison.Ordinal);
        Assert.Equal(2, badLimit.ExitCode);
        Assert.Contains("--limit: must be between 1 and 1000", badLimit.Output, StringComparison.Ordinal);
        await using var store = await TailorStores.OpenAsync(_dir.File("data"), null, Ct);
        var all = await store.Audit.ListAsync(new Core.Storage.AuditQuery(), Ct);
        Assert.Contains(all, e => e.Action == "cli sources create");
        Assert.DoesNotContain(all, e => $"{e.Action} {e.Target}".Contains("wk_secret_value_1", StringComparison.Ordinal));
    }
}
