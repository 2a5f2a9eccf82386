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
            var users = new UserOperations(store.Users, new Application.IdSource(TimeProvider.System), TimeProvider.System,
                new Application.Privacy.AuditTrail(store.Audit, TimeProvider.System));
            Assert.Null(await users.VerifyAsync("ann", "second long secret", Ct)); // disabled
            Assert.NotNull((await users.SetDisabledAsync("ann", false, Ct)).Value);
            Assert.NotNull(await users.VerifyAsync("ann", "second long secret", Ct));
            Assert.Null(await users.VerifyAsync("ann", "first long secret", Ct));
        }

        Assert.Equal(0, (await RunAsync(null, "users", "remove", "ann")).ExitCode);
        var again = await RunAsync(null, "users", "remove", "ann");
        Assert.Equal((2, "error: user: no user 'ann'"), (again.ExitCode, again.Output.Trim()));
    }

    [Fact]
    public async Task A_role_is_changed_audited_and_the_last_admin_is_not_demoted()
    {
        Assert.Equal(0, (await RunAsync("first long secret\n", "users", "add", "ann", "--role", "admin", "--password-stdin")).ExitCode);
        Assert.Equal(0, (await RunAsync("first long secret\n", "users", "add", "bob", "--role", "viewer", "--password-stdin")).ExitCode);

        var last = await RunAsync(null, "users", "role", "ann", "--role", "marketer");
        var promoted = await RunAsync(null, "users", "role", "bob", "--role", "admin");
        var demoted = await RunAsync(null, "users", "role", "ann", "--role", "marketer");
        var bad = await RunAsync(null, "users", "role", "bob", "--role", "owner");
        var missing = await RunAsync(null, "users", "role", "cy", "--role", "viewer");

        Assert.Equal((2, "error: role: cannot demote the last admin: 'ann' is the only enabled admin user, and at least one must remain (make another user admin first)"),
            (last.ExitCode, last.Output.Trim()));
        Assert.Equal(0, promoted.ExitCode);
        Assert.Contains("is now admin: admin", promoted.Output, StringComparison.Ordinal);
        Assert.Equal(0, demoted.ExitCode);
        Assert.Contains("is now marketer: profiles:read segments triggers content send analytics", demoted.Output, StringComparison.Ordinal);
        Assert.Equal((2, "error: role: must be one of viewer, marketer, admin"), (bad.ExitCode, bad.Output.Trim()));
        Assert.Equal((2, "error: user: no user 'cy'"), (missing.ExitCode, missing.Output.Trim()));

        await using var store = await TailorStores.OpenAsync(_dir.File("data"), null, Ct);
        Assert.Equal([("ann", "marketer"), ("bob", "admin")], (await store.Users.ListUsersAsync(Ct)).Select(u => (u.Name, u.Role)));
        var changes = (await store.Audit.ListAsync(new Core.Storage.AuditQuery(ActionPrefix: "user role"), Ct)).ToList();
        var user = Environment.UserName;
        Assert.Equal([("user role admin → marketer", $"cli:{user}"), ("user role viewer → admin", $"cli:{user}")], changes.Select(e => (e.Action, e.Actor)));
        Assert.Equal((await store.Users.ListUsersAsync(Ct)).Single(u => u.Name == "ann").Id, changes[0].Target);
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
