using System.CommandLine;

namespace Tailor.Cli.Commands.Analytics;

/// <summary>The options every <c>tailor analytics &lt;kind&gt;</c> command shares: as-of moment, JSON output, where to save charts.</summary>
internal sealed class RunOptions
{
    public Option<DateTimeOffset?> AsOf { get; } = new("--as-of") { Description = "Take the data as of this moment (ISO 8601, e.g. 2011-12-10); default now" };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the run (status, parameters, result) as JSON instead of tables" };

    public Option<DirectoryInfo?> Charts { get; } = new("--charts") { Description = "Save the run's charts (and model files) into this directory" };

    public void AddTo(Command command)
    {
        command.Options.Add(AsOf);
        command.Options.Add(Json);
        command.Options.Add(Charts);
    }
}
