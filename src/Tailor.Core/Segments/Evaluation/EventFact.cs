using System.Text.Json;
using Tailor.Core.Events;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>One of a profile's events as rules see it: the name it counts under, its event time and its message.</summary>
public readonly record struct EventFact(long Sequence, string Name, DateTimeOffset Timestamp, JsonElement Message)
{
    public static EventFact From(in EventView view) => new(view.Logged.Sequence, view.CountedName, view.Event.Timestamp, view.Root);

    /// <summary>
    /// A property by path: <c>category</c> and <c>product.brand</c> are read under <c>properties</c> (for page views,
    /// also under <c>context.page</c>); <c>context.…</c>, <c>traits.…</c> and <c>properties.…</c> from the message root.
    /// </summary>
    public JsonElement Property(string path)
    {
        if (path.StartsWith("context.", StringComparison.Ordinal) || path.StartsWith("traits.", StringComparison.Ordinal)
            || path.StartsWith("properties.", StringComparison.Ordinal))
            return JsonPath.Resolve(Message, path);
        var value = JsonPath.Resolve(EventView.Child(Message, "properties"), path);
        return value.ValueKind == JsonValueKind.Undefined
            ? JsonPath.Resolve(EventView.Child(EventView.Child(Message, "context"), "page"), path)
            : value;
    }

    /// <summary>Where <see cref="ClientSessionId"/> reads, as paths of <see cref="Property"/>.</summary>
    public static IReadOnlyList<string> ClientSessionIdPaths { get; } = ["context.sessionId", "properties.session_id"];

    /// <summary>The client's session id (<c>context.sessionId</c> or <c>properties.session_id</c>), if it sent one.</summary>
    public string? ClientSessionId
    {
        get
        {
            var id = EventView.Child(EventView.Child(Message, "context"), "sessionId");
            if (id.ValueKind == JsonValueKind.Undefined) id = EventView.Child(EventView.Child(Message, "properties"), "session_id");
            return id.ValueKind switch
            {
                JsonValueKind.String => id.GetString(),
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            };
        }
    }
}
