using System.Globalization;
using System.Text.Json;
using Tailor.Core.Events;

namespace Tailor.Core.Pipeline;

/// <summary>
/// An undo of a merge is asked for by an event in the log, so the profile pipeline applies it in log order, between
/// two batches, under its own position check: no batch on any node can have loaded either profile before the undo and
/// commit after it, a crash loses nothing, and the log records who asked and when.
/// </summary>
public static class MergeUndoRequest
{
    /// <summary>The track event name of a request.</summary>
    public const string EventName = "Merge Undo Requested";

    /// <summary>The source id requests are logged under; never the id of a write-key source (those are <c>src_…</c>).</summary>
    public const string Source = "tailor";

    /// <summary>A request to undo merge <paramref name="mergeId"/>, to append to the log.</summary>
    public static TailorEvent Create(long mergeId, string messageId, DateTimeOffset now, string requestedBy)
    {
        var payload = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["type"] = "track", ["event"] = EventName, ["messageId"] = messageId, ["timestamp"] = now,
            ["properties"] = new Dictionary<string, object?> { ["mergeId"] = mergeId, ["requestedBy"] = requestedBy },
        });
        return new TailorEvent(messageId, EventType.Track, EventName, null, null, now, now, Source, payload);
    }

    /// <summary>True when <paramref name="e"/> is a request that Tailor itself logged (no write-key source can send one).</summary>
    public static bool IsRequest(TailorEvent e) => e.Type == EventType.Track && e.SourceId == Source && e.Name == EventName;

    /// <summary>True when <paramref name="view"/> is a request, with the merge it names.</summary>
    public static bool TryRead(in EventView view, out long mergeId)
    {
        mergeId = 0;
        if (!IsRequest(view.Event)) return false;
        var id = EventView.Child(view.Properties, "mergeId");
        return id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out mergeId)
            || id.ValueKind == JsonValueKind.String && long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out mergeId);
    }
}
