using Tailor.Core.Segments;
using Tailor.Core.Triggers;
using Tailor.Application.Segments;
using Tailor.Application.Triggers;

namespace Tailor.Server.Hosting;

/// <summary>
/// Writes a warning to the log for every stored segment or trigger that cannot be loaded and is disabled (content
/// logs its own from <see cref="Content.ContentCatalog"/>); the reason is also on the definition in the API. A hosted
/// service started before the followers, which load the definitions first.
/// </summary>
public sealed partial class DisabledDefinitions(SegmentEngine segments, TriggerEngine triggers, ILogger<DisabledDefinitions> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        segments.SegmentDisabled += OnSegmentDisabled;
        triggers.TriggerDisabled += OnTriggerDisabled;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        segments.SegmentDisabled -= OnSegmentDisabled;
        triggers.TriggerDisabled -= OnTriggerDisabled;
        return Task.CompletedTask;
    }

    private void OnSegmentDisabled(SegmentDefinition d) => LogDisabled("segment", d.Name, d.Disabled ?? "");

    private void OnTriggerDisabled(TriggerCatalog.DisabledTrigger d) => LogDisabled("trigger", d.Stored.Name, d.Reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored {Kind} '{Name}' is disabled: {Reason}")]
    private partial void LogDisabled(string kind, string name, string reason);
}
