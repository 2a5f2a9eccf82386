using System.Text.Json;
using Tailor.Core.Content;

namespace Tailor.Core.Triggers;

/// <summary>
/// What a trigger's templates read besides the profile: <c>trigger.id</c> / <c>trigger.name</c> and <c>event</c>,
/// the message that started the run (its lists print as "A, B", see <see cref="ReadableList"/>). The same names
/// whether a template is filled when the run reaches its step (an address, webhook data, a trait) or when its
/// email is sent.
/// </summary>
public static class TriggerScope
{
    public static Dictionary<string, object?> Globals(string triggerId, string triggerName, JsonElement? startEvent) => new(StringComparer.Ordinal)
    {
        ["trigger"] = Trigger(triggerId, triggerName),
        ["event"] = startEvent is { } e ? ReadableList.From(e) : null,
    };

    public static Dictionary<string, object?> Trigger(string triggerId, string triggerName) => new(StringComparer.Ordinal)
    {
        ["id"] = triggerId,
        ["name"] = triggerName,
    };
}
