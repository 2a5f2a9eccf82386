using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tailor.Core.Events;
using Tailor.Core.Storage;
using Tailor.Core.TrackingPlans;

namespace Tailor.Server.TrackingPlans;

/// <summary>
/// Applies the tracking plan to events on their way into the log: in <c>flag</c> mode an event that breaks its schema
/// is logged with the violations in <c>context.violations</c>; in <c>block</c> mode it is set aside as a dead letter of
/// stage <see cref="Stage"/> (durably, before the request is answered) instead of being logged.
/// </summary>
public sealed class TrackingPlanGate(TrackingPlanCache cache, IDeadLetterStore deadLetters, TimeProvider time)
{
    /// <summary>The dead-letter stage of blocked events.</summary>
    public const string Stage = "tracking-plan";

    private static readonly JsonSerializerOptions HoldJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly JsonSerializerOptions FlagJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public ValueTask<TrackingPlan> PlanAsync(CancellationToken ct) => cache.CurrentAsync(ct);

    /// <summary>The event to log (flagged if it must be), or null and the violations when it is blocked.</summary>
    public static (TailorEvent? Pass, IReadOnlyList<SchemaViolation>? Blocked) Apply(TrackingPlan plan, TailorEvent e, JsonElement message)
    {
        var violations = plan.Check(e.SourceId, e.Type, e.Name, message);
        if (violations.Count == 0) return (e, null);
        return plan.ModeOf(e.SourceId) == TrackingMode.Block ? (null, violations) : (Flag(e, violations), null);
    }

    /// <summary>Stores a blocked event as a dead letter; returns it with its id.</summary>
    public Task<DeadLetter> SetAsideAsync(TailorEvent e, IReadOnlyList<SchemaViolation> violations, CancellationToken ct) =>
        deadLetters.AddDeadLetterAsync(new DeadLetter(0, Stage, e.MessageId, e.SourceId, Hold(e), Reason(violations), null, 1, time.GetUtcNow()), ct);

    /// <summary>The event with <c>context.violations</c> set (the rest of the message as sent, re-serialised).</summary>
    public static TailorEvent Flag(TailorEvent e, IReadOnlyList<SchemaViolation> violations)
    {
        var message = JsonNode.Parse(e.Payload)!.AsObject();
        if (message["context"] is not JsonObject context) message["context"] = context = [];
        var list = new JsonArray();
        foreach (var v in violations) list.Add(new JsonObject { ["field"] = v.Field, ["description"] = v.Description });
        context["violations"] = list;
        return e with { Payload = message.ToJsonString(FlagJson) };
    }

    public static string Reason(IReadOnlyList<SchemaViolation> violations) =>
        "breaks the tracking plan: " + string.Join("; ", violations.Select(v => v.ToString()));

    /// <summary>A blocked event as the dead letter's payload: every field, so a replay logs exactly the event that was blocked.</summary>
    public static string Hold(TailorEvent e) => JsonSerializer.Serialize(e, HoldJson);

    public static TailorEvent Unhold(string payload) =>
        JsonSerializer.Deserialize<TailorEvent>(payload, HoldJson) ?? throw new InvalidDataException("the dead letter holds no event");
}
