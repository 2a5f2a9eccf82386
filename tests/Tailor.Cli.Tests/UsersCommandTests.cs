using System.Diagnostics;
using Tailor.Application.Users;
using Tailor.Storage;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor users add|list|passwd|disable|enable|remove</c> against a real data directory, the password read from standard input.</summary>
public sealed class UsersCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Users_are_added_listed_given_a_new_password_disabled_and_removed_and_no_password_is_printed()
    {
        var added = await RunAsync("first long secret\n", "users", "add", "Ann", "--role", "marketer", "--password-stdin");
        var weak = await RunAsync("short\n", "users", "add", "bea", "--role", "viewer", "--password-stdin");
        var badRole = await RunAsync("second long secret\n", "users", "add", "bea", "--role", "owner", "--password-stdin");
        var noPassword = await RunAsync(null, "users", "add", "cy", "--role", "viewer"); // no terminal, no --password-stdin
        var passwd = await RunAsync("second long secret\n", "users", "passwd", "ann", "--password-stdin");
        var disabled = await RunAsync(null, "users", "disable", "ann");
        var list = await RunAsync(null, "users", "list");

        Assert.Equal(0, added.ExitCode);
        Assert.Contains("added as marketer: profiles:read segments triggers content send analytics", added.Output, StringComparison.Ordinal);
        Assert.Equal((2, "error: password: must be 12 to 128 characters"), (weak.ExitCode, weak.Output.Trim()));
        Assert.Equal((2, "error: role: must be one of viewer, marketer, admin"), (badRole.ExitCode, badRole.Output.Trim()));
        Assert.Equal(2, noPassword.ExitCode);
        Assert.Equal(0, passwd.ExitCode);
        Assert.Equal(0, disabled.ExitCode);
        Assert.Contains("ann", list.Output, StringComparison.Ordinal);
        Assert.Contains("profiles:read segments triggers content send analytics", list.Output, StringComparison.Ordinal);
        Assert.Contains("disabled", list.Output, StringComparison.Ordinal);
        foreach (var output in new[] { added.Output, passwd.Output, list.Output })
        {
            Assert.DoesNotContain("long secret", output, StringComparison.Ordinal);
            Assert.DoesNotContain("pbkdf2", output, StringComparison.Ordinal);
        }

        await using (var store = await TailorStores.OpenAsync(_dir.File("data"), null, Ct))
        {
            var users = new UserOperations(store.Users, new Application.IdSource(TimeProvider.System), TimeProvider.System);
            Assert.Null(await users.VerifyAsync("ann", "second long secret", Ct)); // disabled
            Assert.NotNull((await users.SetDisabledAsync("ann", false, Ct)).Value);
            Assert.NotNull(await users.VerifyAsync("ann", "second long secret", Ct));
            Assert.Null(await users.VerifyAsync("ann", "first long secret", Ct));
        }

        Assert.Equal(0, (await RunAsync(null, "users", "remove", "ann")).ExitCode);
        var again = await RunAsync(null, "users", "remove", "ann");
        Assert.Equal((2, "error: user: no user 'ann'"), (again.ExitCode, again.Output.Trim()));
    }

    /// <summary>Runs <c>tailor</c> with <paramref name="input"/> on standard input (closed at once when null).</summary>
    private async Task<(int ExitCode, string Output)> RunAsync(string? input, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Tailor.Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.ArgumentList.Add("--data");
        info.ArgumentList.Add(_dir.File("data"));
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
