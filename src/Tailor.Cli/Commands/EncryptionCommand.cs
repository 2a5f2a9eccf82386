using System.CommandLine;
using Spectre.Console;
using Tailor.Storage.Privacy;
using static Tailor.Cli.Commands.CliErrors;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor encryption</c>: the privacy key file that encrypts personal data at rest, and its rotation (docs/security.md).</summary>
internal static class EncryptionCommand
{
    public static Command Create(StoreOptions store)
    {
        var output = new Option<string>("--out") { Description = "Where to write the new key file (mode 0600); it must not exist", Required = true };
        var generate = new Command("generate-key", "Write a new privacy key file: an AES-256-GCM data key and an HMAC-SHA256 lookup key") { output };
        generate.SetAction(result =>
        {
            var path = result.GetValue(output)!;
            try
            {
                PrivacyKeyFile.Write(path, Core.Privacy.PrivacyKeyRing.Generate(), replace: false);
            }
            catch (IOException e)
            {
                return Error("--out", e.Message);
            }
            AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(path)}[/] (mode 0600). Keep it outside the data directory and its backups; losing it loses the encrypted data.");
            return 0;
        });

        var keyFile = new Option<string>("--key-file") { Description = "The key file to add a new active data key to", Required = true };
        var addKey = new Command("add-key", "Add a new active data key to a key file (older keys stay for reading); restart Tailor and it re-encrypts in the background") { keyFile };
        addKey.SetAction(result =>
        {
            var path = result.GetValue(keyFile)!;
            try
            {
                var keys = PrivacyKeyFile.Read(path).WithNewActiveKey();
                PrivacyKeyFile.Write(path, keys, replace: true);
                AnsiConsole.MarkupLine($"Key version [bold]{keys.ActiveVersion}[/] is now active in {Markup.Escape(path)}.");
                return 0;
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                return Error("--key-file", e.Message);
            }
        });
        var status = new Option<bool>("--status") { Description = "Only show how far the re-encryption pass has come" };
        var rotate = new Command("rotate", "Re-encrypt everything under the active key now (what a running server does in the background after add-key), or show its progress") { status };
        store.AddTo(rotate);
        rotate.SetAction(async (result, ct) =>
        {
            await using var tailor = await store.OpenAsync(result, ct);
            if (!result.GetValue(status))
                while (await tailor.Encryption.RewriteNextBatchAsync(500, ct)) { }
            var progress = await tailor.Encryption.ProgressAsync(ct);
            var table = new Table().AddColumns("table", "rewritten", "done");
            foreach (var t in progress.Tables) table.AddRow(t.Table, t.Rewritten.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), t.Done ? "yes" : "no");
            AnsiConsole.MarkupLine($"Active key version [bold]{progress.ActiveVersion}[/]: {(progress.Done ? "everything is under it" : "re-encryption in progress")}.");
            AnsiConsole.Write(table);
            return 0;
        });
        return new Command("encryption", "Encryption of personal data at rest: key files and rotation") { generate, addKey, rotate };
    }
}
