using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Application.Triggers;

/// <summary>A trigger's runs, newest first, with each run's execution log.</summary>
public sealed record TriggerRuns(TriggerCatalog.Compiled Trigger, IReadOnlyList<JourneyRun> Runs, ILookup<string, ExecutionLogEntry> Log);
