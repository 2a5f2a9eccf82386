using System.CommandLine;
using Spectre.Console;
using Tailor.Application;
using Tailor.Application.Access;
using Tailor.Core.Storage;
using Tailor.Server.Admin;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor sources …</c> and <c>tailor keys …</c>: who may send events and who may read them.</summary>
internal static class AccessCommands
{
    /// <summary>Ids of the sources and keys these commands create, on the system clock (a command has no other).</summary>
    private static readonly IdSource Ids = new(TimeProvider.System);

    public static Command Sources(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "A unique name, e.g. website" };
        var writeKey = new Option<string?>("--write-key") { Description = "Use this write key instead of a generated one" };
        var create = new Command("create", "Create a source and print its write key") { name, writeKey };
        store.AddTo(create);
        create.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var created = await Operations(tailor.Access).CreateSourceAsync(result.GetValue(name), result.GetValue(writeKey), ct);
            if (created.Value is not { } source) return Error(created.Problem!.Field, created.Problem.Rule);
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(source.Name)}[/] ({source.Id}) write key: [bold]{Markup.Escape(source.WriteKey)}[/]");
            return 0;
        });

        var list = new Command("list", "List sources with their write keys");
        store.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("name", "id", "write key", "created", "status");
            foreach (var s in await tailor.Access.ListSourcesAsync(ct))
                table.AddRow(Markup.Escape(s.Name), s.Id, Markup.Escape(s.WriteKey), s.CreatedAt.ToString("u"), s.RevokedAt is { } at ? $"revoked {at:u}" : "active");
            AnsiConsole.Write(table);
            return 0;
        });

        var source = new Argument<string>("source") { Description = "Source name or id" };
        var grace = GraceOption();
        var rotate = new Command("rotate", "Give a source a new write key; the old one keeps working for the grace period") { source, grace };
        store.AddTo(rotate);
        rotate.SetAction(async (result, ct) =>
        {
            if (!KeyGrace.TryParse(result.GetValue(grace), out var period)) return Error("--grace", KeyGrace.Rule);
            await using var tailor = await store.OpenAsync(result, ct);
            var revokedBefore = (await Operations(tailor.Access).FindSourceAsync(result.GetValue(source)!, ct))?.RevokedAt is not null;
            var rotation = await Operations(tailor.Access).RotateWriteKeyAsync(result.GetValue(source)!, period, ct);
            if (rotation.Value is not { } rotated) return Error(rotation.Problem!.Field, rotation.Problem.Rule);
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(rotated.Source.Name)}[/] new write key: [bold]{Markup.Escape(rotated.Source.WriteKey)}[/]");
            AnsiConsole.MarkupLine(revokedBefore ? "The old key was revoked and stays refused." : $"The old key works until {rotated.PreviousKeyValidUntil:u}.");
            return 0;
        });

        var revoke = new Command("revoke", "Refuse every write key of a source from now on (rotate gives it a new one)") { source };
        store.AddTo(revoke);
        revoke.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var revocation = await Operations(tailor.Access).RevokeSourceAsync(result.GetValue(source)!, ct);
            if (revocation.Value is not { } found) return Error(revocation.Problem!.Field, revocation.Problem.Rule);
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(found.Name)}[/]: write keys revoked (a running node stops accepting them within {AccessKeys.CacheFor.TotalSeconds:0} s).");
            return 0;
        });
        return new Command("sources", "Manage sources (where events come from) and their write keys") { create, list, rotate, revoke };
    }

    public static Command Keys(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "What the key is for, e.g. dashboard" };
        var scopes = new Option<string[]>("--scope")
        {
            Description = $"What the key may do (repeatable): {string.Join(", ", AdminScopes.All)}; every scope (admin) when left out",
            AllowMultipleArgumentsPerToken = false,
        };
        var expires = new Option<string?>("--expires-in") { Description = "How long the key works, e.g. 90d; for ever when left out" };
        var create = new Command("create", "Create an admin key for the read and management API; it is printed once") { name, scopes, expires };
        store.AddTo(create);
        create.SetAction(async (result, ct) =>
        {
            TimeSpan? lifetime = null;
            if (result.GetValue(expires) is { } text)
            {
                if (!KeyGrace.TryParseDuration(text, out var parsed)) return Error("--expires-in", "must be a duration such as 30m, 24h or 90d");
                lifetime = parsed;
            }
            await using var tailor = await store.OpenAsync(result, ct);
            var creation = await Operations(tailor.Access).CreateAdminKeyAsync(result.GetValue(name), ct, result.GetValue(scopes), lifetime);
            if (creation.Value is not { } created) return Error(creation.Problem!.Field, creation.Problem.Rule);
            AnsiConsole.MarkupLine($"Admin key [bold]{Markup.Escape(created.Stored.Name)}[/] ({created.Stored.Id}): [bold]{created.Key}[/]");
            AnsiConsole.MarkupLine("Store it now: only its hash is kept.");
            return 0;
        });

        var list = new Command("list", "List admin keys (names and ids; keys themselves are not stored)");
        store.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("name", "id", "scopes", "created", "status");
            foreach (var k in await tailor.Access.ListAdminKeysAsync(ct))
                table.AddRow(Markup.Escape(k.Name), k.Id, k.Scopes, k.CreatedAt.ToString("u"), Status(k));
            AnsiConsole.Write(table);
            return 0;
        });

        var id = new Argument<string>("id") { Description = "The admin key's id (key_…), as `tailor keys list` shows it" };
        var grace = GraceOption();
        var rotate = new Command("rotate", "A new admin key in place of this one, printed once; the old one keeps working for the grace period") { id, grace };
        store.AddTo(rotate);
        rotate.SetAction(async (result, ct) =>
        {
            if (!KeyGrace.TryParse(result.GetValue(grace), out var period)) return Error("--grace", KeyGrace.Rule);
            await using var tailor = await store.OpenAsync(result, ct);
            var rotation = await Operations(tailor.Access).RotateAdminKeyAsync(result.GetValue(id)!, period, ct);
            if (rotation.Value is not { } created) return Error(rotation.Problem!.Field, rotation.Problem.Rule);
            AnsiConsole.MarkupLine($"Admin key [bold]{Markup.Escape(created.Stored.Name)}[/] ({created.Stored.Id}): [bold]{created.Key}[/]");
            AnsiConsole.MarkupLine($"Store it now: only its hash is kept. The old key works until {created.PreviousKeyValidUntil:u}.");
            return 0;
        });

        var revoke = new Command("revoke", "Refuse an admin key from now on") { id };
        store.AddTo(revoke);
        revoke.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if ((await Operations(tailor.Access).RevokeAdminKeyAsync(result.GetValue(id)!, ct)).Problem is { } problem) return Error(problem.Field, problem.Rule);
            AnsiConsole.MarkupLine($"Admin key {Markup.Escape(result.GetValue(id)!)} revoked (a running node refuses it within {AccessKeys.CacheFor.TotalSeconds:0} s).");
            return 0;
        });

        var secret = new Command("identity-secret", "Print the secret the shop's server computes /v1/personalize's userHash with");
        store.AddTo(secret);
        secret.SetAction(async (result, ct) =>
        {
            if (Environment.GetEnvironmentVariable("TAILOR_IDENTITY_SECRET") is { Length: > 0 } configured)
            {
                Console.WriteLine(configured);
                AnsiConsole.MarkupLine("[grey](from TAILOR_IDENTITY_SECRET)[/]");
                return 0;
            }
            await using var tailor = await store.OpenAsync(result, ct);
            Console.WriteLine(await new IdentitySecret(tailor.Content, TimeProvider.System).StoredAsync(ct));
            return 0;
        });
        return new Command("keys", "Manage admin keys and show the identity verification secret") { create, list, rotate, revoke, secret };
    }

    private static Option<string> GraceOption() => new("--grace")
    {
        Description = "How long the old key keeps working, e.g. 30m, 24h, 7d, or 0 (env TAILOR_KEY_GRACE; default 24h)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_KEY_GRACE") ?? "24h",
    };

    private static string Status(AdminKey key) =>
        key.RevokedAt is { } revoked ? $"revoked {revoked:u}" : key.ExpiresAt is { } expires ? $"valid until {expires:u}" : "active";

    /// <summary>The access use cases over the store's access role, on the system clock.</summary>
    private static AccessOperations Operations(IAccessStore access) => new(access, Ids, TimeProvider.System);
}
