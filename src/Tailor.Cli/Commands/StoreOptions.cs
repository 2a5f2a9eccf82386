using System.CommandLine;
using Tailor.Application.Privacy;
using Tailor.Core.Storage;
using Tailor.Storage;

namespace Tailor.Cli.Commands;

/// <summary>The <c>--data</c> and <c>--postgres</c> options every command that touches storage shares.</summary>
internal sealed class StoreOptions
{
    public Option<string> Data { get; } = new("--data")
    {
        Description = "Directory of the embedded SQLite database",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_DATA") ?? "data",
    };

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "PostgreSQL connection string; use PostgreSQL instead of SQLite (env TAILOR_POSTGRES)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TAILOR_POSTGRES"),
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Postgres);
    }

    /// <summary>Opens the store and records in the audit trail that this command ran, by whom and where (never its arguments: they may hold keys).</summary>
    public async Task<TailorDatabase> OpenAsync(ParseResult result, CancellationToken ct)
    {
        var data = result.GetValue(Data)!;
        // The same keys as `tailor serve` (Tailor:Privacy:* from the environment or the data directory's appsettings.json).
        var privacy = Tailor.Server.Privacy.EncryptionAtRest.OptionsFrom(Tailor.Server.Hosting.TailorConfiguration.Build(Environment.GetEnvironmentVariables(),
            [new("DataDirectory", data)], []));
        var database = await TailorStores.OpenAsync(data, result.GetValue(Postgres), TimeProvider.System,
            Tailor.Server.Privacy.EncryptionAtRest.Open(privacy, data).Protection, ct);
        var user = Environment.UserName;
        await new AuditTrail(database.Audit, TimeProvider.System).RecordAsync($"cli:{user}", user, $"cli {CommandPath(result.CommandResult.Command)}", null, 0,
            Environment.MachineName, ct);
        return database;
    }

    /// <summary>The command's words after <c>tailor</c>, e.g. <c>keys create</c>.</summary>
    private static string CommandPath(Command command)
    {
        var words = new List<string>();
        for (Symbol? symbol = command; symbol is Command { Parents: var parents } c && c is not RootCommand; symbol = parents.FirstOrDefault())
            words.Insert(0, c.Name);
        return string.Join(' ', words);
    }
}
