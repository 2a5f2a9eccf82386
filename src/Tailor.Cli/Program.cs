using System.CommandLine;
using Tailor.Cli.Commands;
using Tailor.Cli.Commands.Analytics;
using Tailor.Cli.Commands.Experiments;

// Piped into a file or another program, tables keep whole keys and ids on one line instead of wrapping at 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 240;

var store = new StoreOptions();
var root = new RootCommand("Tailor: customer data platform and personalization engine")
{
    ServeCommand.Create(store),
    ImportCommand.Create(store),
    ProfileCommand.Create(store),
    MergesCommand.Create(store),
    Tailor.Cli.Commands.Sources.SourcesCommand.Create(store),
    AccessCommands.Keys(store),
    UsersCommand.Create(store),
    SegmentsCommand.Create(store),
    ContentCommands.Templates(store),
    ContentCommands.Blocks(store),
    ContentCommands.Placements(store),
    ContentCommands.Campaigns(store),
    TriggersCommand.Create(store),
    TrackingPlanCommand.Create(store),
    DeadLettersCommand.Create(store),
    AnalyticsCommand.Create(store),
    ExperimentsCommand.Create(store),
    Tailor.Cli.Commands.Destinations.DestinationsCommand.Create(store),
    AuditCommand.Create(store),
    PrivacyCommand.Create(store),
    EncryptionCommand.Create(store),
};
return await root.Parse(args).InvokeAsync();
