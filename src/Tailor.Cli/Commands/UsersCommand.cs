using System.CommandLine;
using Spectre.Console;
using Tailor.Application;
using Tailor.Application.Privacy;
using Tailor.Application.Users;
using Tailor.Core.Storage;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor users …</c>: the dashboard's users, through the same <see cref="UserOperations"/> as <c>/api/users</c>.
/// A password is never an argument (it would show in the process list and the shell's history): it is asked for at
/// the terminal, or read from the first line of standard input with <c>--password-stdin</c>.
/// </summary>
internal static class UsersCommand
{
    /// <summary>Ids of the users these commands create, on the system clock (a command has no other).</summary>
    private static readonly IdSource Ids = new(TimeProvider.System);

    public static Command Create(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "The user's name (letters, digits, '.', '_', '-', '@'), or their id (usr_…)" };
        var role = new Option<string>("--role") { Description = $"What the user may do: {string.Join(", ", UserRoles.All)} (docs/dashboard.md)", Required = true };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input instead of asking for it" };

        var add = new Command("add", "Add a dashboard user with a password and a role") { name, role, stdin };
        store.AddTo(add);
        add.SetAction(async (result, ct) =>
        {
            if (Password(result.GetValue(stdin)) is not { } password) return Error("password", "must be given at the terminal or with --password-stdin");
            await using var tailor = await store.OpenAsync(result, ct);
            var added = await Operations(tailor).AddAsync(result.GetValue(name), password, result.GetValue(role), ct);
            if (added.Value is not { } user) return Error(added.Problem!.Field, added.Problem.Rule);
            AnsiConsole.MarkupLine($"User [bold]{Markup.Escape(user.Name)}[/] ({user.Id}) added as {user.Role}: {UserRoles.Scopes(user.Role)}.");
            return 0;
        });

        var list = new Command("list", "List dashboard users (names, roles and state; passwords are not stored)");
        store.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("name", "id", "role", "scopes", "created", "password changed", "status");
            foreach (var u in await Operations(tailor).ListAsync(ct))
                table.AddRow(Markup.Escape(u.Name), u.Id, u.Role, UserRoles.Scopes(u.Role), u.CreatedAt.ToString("u"), u.PasswordChangedAt.ToString("u"),
                    u.DisabledAt is { } at ? $"disabled {at:u}" : "active");
            AnsiConsole.Write(table);
            return 0;
        });

        var passwd = new Command("passwd", "Give a user a new password; their sessions end") { name, stdin };
        store.AddTo(passwd);
        passwd.SetAction(async (result, ct) =>
        {
            if (Password(result.GetValue(stdin)) is not { } password) return Error("password", "must be given at the terminal or with --password-stdin");
            await using var tailor = await store.OpenAsync(result, ct);
            var changed = await Operations(tailor).SetPasswordAsync(result.GetValue(name)!, password, ct);
            if (changed.Value is not { } user) return Error(changed.Problem!.Field, changed.Problem.Rule);
            AnsiConsole.MarkupLine($"Password of [bold]{Markup.Escape(user.Name)}[/] changed; their sessions end (within a second on a running node).");
            return 0;
        });

        var disable = new Command("disable", "Refuse a user's sign-ins and end their sessions") { name };
        var enable = new Command("enable", "Let a disabled user sign in again") { name };
        foreach (var (command, disabled) in new[] { (disable, true), (enable, false) })
        {
            store.AddTo(command);
            command.SetAction(async (result, ct) =>
            {
                await using var tailor = await store.OpenAsync(result, ct);
                var changed = await Operations(tailor).SetDisabledAsync(result.GetValue(name)!, disabled, ct);
                if (changed.Value is not { } user) return Error(changed.Problem!.Field, changed.Problem.Rule);
                AnsiConsole.MarkupLine($"User [bold]{Markup.Escape(user.Name)}[/] {(disabled ? "disabled; their sessions end" : "enabled")}.");
                return 0;
            });
        }

        var setRole = new Command("role", "Give a user another role; their sessions carry on with its rights (the last enabled admin cannot be demoted)") { name, role };
        store.AddTo(setRole);
        setRole.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var user = Environment.UserName;
            var changed = await Operations(tailor).SetRoleAsync(result.GetValue(name)!, result.GetValue(role), new AuditActor($"cli:{user}", user, Environment.MachineName), ct);
            if (changed.Value is not { } changedUser) return Error(changed.Problem!.Field, changed.Problem.Rule);
            AnsiConsole.MarkupLine($"User [bold]{Markup.Escape(changedUser.Name)}[/] is now {changedUser.Role}: {UserRoles.Scopes(changedUser.Role)} (their sessions within a second on a running node).");
            return 0;
        });

        var remove = new Command("remove", "Remove a user; their sessions end") { name };
        store.AddTo(remove);
        remove.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var removed = await Operations(tailor).RemoveAsync(result.GetValue(name)!, ct);
            if (removed.Value is not { } user) return Error(removed.Problem!.Field, removed.Problem.Rule);
            AnsiConsole.MarkupLine($"User [bold]{Markup.Escape(user.Name)}[/] removed.");
            return 0;
        });
        return new Command("users", "Manage the dashboard's users: name, password and role") { add, list, passwd, setRole, disable, enable, remove };
    }

    private static UserOperations Operations(Tailor.Storage.TailorDatabase tailor) =>
        new(tailor.Users, Ids, TimeProvider.System, new AuditTrail(tailor.Audit, TimeProvider.System));

    /// <summary>The password from standard input's first line, or asked for twice at the terminal (hidden); null when neither can be had.</summary>
    private static string? Password(bool fromStdin)
    {
        if (fromStdin) return Console.In.ReadLine();
        if (Console.IsInputRedirected) return null;
        var password = AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
        var again = AnsiConsole.Prompt(new TextPrompt<string>("Again:").Secret());
        return password == again ? password : null;
    }
}
