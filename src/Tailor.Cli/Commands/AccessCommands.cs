using System.CommandLine;
using Spectre.Console;
using Tailor.Server.Admin;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor sources …</c> and <c>tailor keys …</c>: who may send events and who may read them.</summary>
internal static class AccessCommands
{
    public static Command Sources(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "A unique name, e.g. website" };
        var writeKey = new Option<string?>("--write-key") { Description = "Use this write key instead of a generated one" };
        var create = new Command("create", "Create a source and print its write key") { name, writeKey };
        store.AddTo(create);
        create.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var sourceName = result.GetValue(name)!;
            if (await tailor.FindSourceByNameAsync(sourceName, ct) is not null)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] name: a source named '{Markup.Escape(sourceName)}' exists already");
                return 2;
            }
            var source = await tailor.CreateSourceAsync(sourceName, result.GetValue(writeKey) ?? AccessKeys.NewKey("wk"), ct);
            AnsiConsole.MarkupLine($"Source [bold]{Markup.Escape(source.Name)}[/] ({source.Id}) write key: [bold]{Markup.Escape(source.WriteKey)}[/]");
            return 0;
        });

        var list = new Command("list", "List sources with their write keys");
        store.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("name", "id", "write key", "created");
            foreach (var s in await tailor.ListSourcesAsync(ct))
                table.AddRow(Markup.Escape(s.Name), s.Id, Markup.Escape(s.WriteKey), s.CreatedAt.ToString("u"));
            AnsiConsole.Write(table);
            return 0;
        });
        return new Command("sources", "Manage sources (where events come from) and their write keys") { create, list };
    }

    public static Command Keys(StoreOptions store)
    {
        var name = new Argument<string>("name") { Description = "What the key is for, e.g. dashboard" };
        var create = new Command("create", "Create an admin key for the read and management API; it is printed once") { name };
        store.AddTo(create);
        create.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var key = AccessKeys.NewKey("tk_admin");
            var created = await tailor.CreateAdminKeyAsync(result.GetValue(name)!, AccessKeys.Hash(key), ct);
            AnsiConsole.MarkupLine($"Admin key [bold]{Markup.Escape(created.Name)}[/] ({created.Id}): [bold]{key}[/]");
            AnsiConsole.MarkupLine("Store it now: only its hash is kept.");
            return 0;
        });

        var list = new Command("list", "List admin keys (names and ids; keys themselves are not stored)");
        store.AddTo(list);
        list.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            var table = new Table().AddColumns("name", "id", "created");
            foreach (var k in await tailor.ListAdminKeysAsync(ct)) table.AddRow(Markup.Escape(k.Name), k.Id, k.CreatedAt.ToString("u"));
            AnsiConsole.Write(table);
            return 0;
        });
        return new Command("keys", "Manage admin keys") { create, list };
    }
}
