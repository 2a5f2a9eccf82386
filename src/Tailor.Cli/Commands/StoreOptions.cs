using System.CommandLine;
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

    public Task<TailorDatabase> OpenAsync(ParseResult result, CancellationToken ct) =>
        TailorStores.OpenAsync(result.GetValue(Data)!, result.GetValue(Postgres), ct);
}
