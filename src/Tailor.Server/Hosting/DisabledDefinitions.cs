using Tailor.Core.Segments;
using Tailor.Core.Segments.Text;
using Tailor.Core.Triggers;
using Tailor.Application.Segments;
using Tailor.Application.Triggers;

namespace Tailor.Server.Hosting;

/// <summary>
/// Writes a warning to the log for every stored segment or trigger that cannot be loaded and is disabled (content
/// logs its own from <see cref="Content.ContentCatalog"/>); the reason is also on the definition in the API.
/// </summary>
public static partial class DisabledDefinitions
{
    public static void Report(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DisabledDefinitions).FullName!);
        services.GetRequiredService<SegmentEngine>().SegmentDisabled += d => LogDisabled(logger, "segment", d.Name, d.Disabled ?? "");
        services.GetRequiredService<TriggerEngine>().TriggerDisabled += d => LogDisabled(logger, "trigger", d.Stored.Name, d.Reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored {Kind} '{Name}' is disabled: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string kind, string name, string reason);
}
