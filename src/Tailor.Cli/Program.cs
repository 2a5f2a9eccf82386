using System.CommandLine;
using Tailor.Cli.Commands;
using Tailor.Cli.Commands.Analytics;
using Tailor.Cli.Commands.Experiments;

var store = new StoreOptions();
var root = new RootCommand("Tailor: customer data platform and personalization engine")
{
    ServeCommand.Create(store),
    ImportCommand.Create(store),
    ProfileCommand.Create(store),
    MergesCommand.Create(store),
    AccessCommands.Sources(store),
    AccessCommands.Keys(store),
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
    AuditCommand.Create(store),
};
return await root.Parse(args).InvokeAsync();
