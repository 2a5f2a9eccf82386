using System.Buffers;
using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>
/// Audience sync: the entries and exits of one segment, from the membership history after the destination's position,
/// sent as the add/remove lists ad platforms' custom-audience APIs take — per member the profile id, the user ids and
/// the SHA-256 of each normalised email. Members whose profile has not consented to the purpose (<c>data sharing</c>)
/// are left out of both lists (counted as skipped). A second cursor follows the event log for consent answers to the
/// purpose: a member who withdraws it is sent as a removal at once (they are still in the segment, but must leave the
/// audience), and one who grants it while in the segment as an addition; while withdrawn, nothing of them is sent.
/// </summary>
internal sealed class AudienceSync(ITriggerStore history, ISegmentStore segments, IPositionStore positions, IDestinationStore store, BatchDelivery delivery, TimeProvider time)
    : IDestinationDriver
{
    private const int Chunk = 2000;

    public string Kind => DestinationKinds.Audience;

    public async Task<FollowerStep> StepAsync(Destination d, CancellationToken ct)
    {
        var members = await MembershipsStepAsync(d, ct);
        if (members.Processed > 0) return members;
        var consent = await ConsentStepAsync(d, ct);
        if (consent.Processed > 0) return consent;
        return FollowerStep.Idle(members.NextDue is { } a && consent.NextDue is { } b ? (a < b ? a : b) : members.NextDue ?? consent.NextDue);
    }

    private async Task<FollowerStep> MembershipsStepAsync(Destination d, CancellationToken ct)
    {
        var name = d.PositionName(ExportTables.Memberships);
        var from = await positions.PositionAsync(name, ct);
        var retryTo = delivery.RetryUpTo(d, ExportTables.Memberships, from);
        var changes = await history.SegmentChangesAfterAsync(from, Chunk, ct);
        if (changes.Count == 0) return FollowerStep.Idle();
        var batchSize = d.Settings.BatchSize ?? DestinationRules.DefaultBatchSize;
        var mine = new List<SegmentChangeEntry>();
        var to = changes[^1].Id;
        var full = false;
        foreach (var change in changes)
        {
            if (retryTo is { } limit && change.Id > limit) { to = limit; break; }
            if (change.SegmentId != d.Settings.SegmentId) continue;
            mine.Add(change);
            if (mine.Count >= batchSize) { to = change.Id; full = true; break; }
        }
        var move = new PositionMove(name, from, to);
        if (mine.Count == 0) return await delivery.SkipAsync(d, move, 0, ct);
        var consent = await ConsentLookup.LoadAsync(store, mine.Select(c => c.ProfileId), ct);
        var purpose = DestinationRules.PurposeOf(d);
        var (body, sent, skipped) = Body(d, mine, consent, purpose, move, time.GetUtcNow());
        if (sent == 0) return await delivery.SkipAsync(d, move, skipped, ct);
        if (!full && delivery.HoldUntil(d, ExportTables.Memberships, from) is { } until) return FollowerStep.Idle(until);
        return await delivery.SendAsync(d, ExportTables.Memberships, move, body, sent, skipped, ct);
    }

    /// <summary>
    /// Events after the consent cursor that answer the purpose (<c>traits.consent</c> of an identify, or
    /// <c>context.consent.categoryPreferences</c> of any event): each such profile that is in the segment now is sent
    /// as the gate answers now — a removal when it refuses, an addition when it lets them through. Sent at once
    /// (no wait): a withdrawal should reach the platform promptly.
    /// </summary>
    private async Task<FollowerStep> ConsentStepAsync(Destination d, CancellationToken ct)
    {
        var name = d.PositionName(ExportTables.Events);
        var from = await positions.PositionAsync(name, ct);
        var upTo = await positions.FoldedUpToAsync(ct);
        if (delivery.RetryUpTo(d, ExportTables.Events, from) is { } retryTo) upTo = Math.Min(upTo, retryTo);
        if (upTo <= from) return FollowerStep.Idle();
        var events = await history.AssignedEventsAsync(from, upTo, Chunk, ct);
        var to = events.Count < Chunk ? upTo : events[^1].Sequence;
        var move = new PositionMove(name, from, to);
        var purpose = DestinationRules.PurposeOf(d);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
            if (AnswersConsent(e.Event, purpose)) answered.Add(e.ProfileId);
        var changes = new List<SegmentChangeEntry>();
        if (answered.Count > 0)
        {
            var consent = await ConsentLookup.LoadAsync(store, answered, ct);
            foreach (var id in answered.Order(StringComparer.Ordinal))
            {
                // A merged-away profile answers as its survivor, whose own membership is what counts.
                var current = consent.Profile(id)?.Id ?? id;
                if (!(await segments.MembershipsAsync(current, ct)).Contains(d.Settings.SegmentId!)) continue;
                changes.Add(new SegmentChangeEntry(0, d.Settings.SegmentId!, current, consent.Refusal(current, purpose) is null, time.GetUtcNow()));
            }
            if (changes.Count > 0)
            {
                var body = Body(d, changes, consent, purpose, move, time.GetUtcNow(), removeRefused: true);
                return await delivery.SendAsync(d, ExportTables.Events, move, body.Body, body.Sent, 0, ct);
            }
        }
        return await delivery.SkipAsync(d, move, 0, ct);
    }

    /// <summary>
    /// Whether <paramref name="e"/> carries an answer for <paramref name="purpose"/>, where <c>ProfileReducer</c> reads
    /// consent. Most events carry none: a text search rules them out before any parse.
    /// </summary>
    internal static bool AnswersConsent(TailorEvent e, string purpose)
    {
        var payload = e.Payload;
        if (!payload.Contains("onsent", StringComparison.OrdinalIgnoreCase) && !payload.Contains("\\u", StringComparison.Ordinal)) return false;
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return false;
        if (root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object &&
            context.TryGetProperty("consent", out var c) && c.ValueKind == JsonValueKind.Object &&
            c.TryGetProperty("categoryPreferences", out var preferences) && Answers(preferences, purpose))
            return true;
        return e.Type == EventType.Identify && root.TryGetProperty("traits", out var traits) && traits.ValueKind == JsonValueKind.Object &&
            traits.TryGetProperty(ProfileReducer.ConsentTrait, out var answers) && Answers(answers, purpose);

        static bool Answers(JsonElement answers, string purpose)
        {
            if (answers.ValueKind != JsonValueKind.Object) return false;
            foreach (var answer in answers.EnumerateObject())
                if (answer.Value.ValueKind is JsonValueKind.True or JsonValueKind.False && ConsentPurposes.Normalize(answer.Name) == ConsentPurposes.Normalize(purpose)) return true;
            return false;
        }
    }

    /// <summary>
    /// The request body: <c>{ audience, schema, add: [...], remove: [...], range, sentAt }</c>. Entries go to <c>add</c>,
    /// exits to <c>remove</c>, each only when the gate lets the profile through — except, with
    /// <paramref name="removeRefused"/>, a removal, which is sent whatever the gate says (it is the withdrawal itself).
    /// </summary>
    internal static (byte[] Body, int Sent, int Skipped) Body(Destination d, IReadOnlyList<SegmentChangeEntry> changes, ConsentLookup consent, string purpose, PositionMove move,
        DateTimeOffset now, bool removeRefused = false)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        int sent = 0, skipped = 0;
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("audience");
            w.WriteString("destinationId", d.Id);
            w.WriteString("segmentId", d.Settings.SegmentId);
            w.WriteEndObject();
            w.WriteStartArray("schema");
            w.WriteStringValue("PROFILE_ID");
            w.WriteStringValue("USER_ID");
            w.WriteStringValue("EMAIL_SHA256");
            w.WriteEndArray();
            foreach (var (list, entered) in new[] { ("add", true), ("remove", false) })
            {
                w.WriteStartArray(list);
                foreach (var change in changes)
                {
                    if (change.Entered != entered) continue;
                    if (!(removeRefused && !entered) && consent.Refusal(change.ProfileId, purpose) is not null) { skipped++; continue; }
                    WriteMember(w, change.ProfileId, consent.Profile(change.ProfileId));
                    sent++;
                }
                w.WriteEndArray();
            }
            w.WriteStartObject("range");
            w.WriteNumber("first", move.From + 1);
            w.WriteNumber("last", move.To);
            w.WriteEndObject();
            w.WriteString("sentAt", now);
            w.WriteEndObject();
        }
        return (buffer.WrittenSpan.ToArray(), sent, skipped);
    }

    internal static void WriteMember(Utf8JsonWriter w, string profileId, Profile? profile)
    {
        w.WriteStartObject();
        w.WriteString("profileId", profileId);
        w.WriteStartArray("userIds");
        foreach (var id in profile?.Identities ?? []) if (id.Type == IdentityTypes.UserId) w.WriteStringValue(id.Value);
        w.WriteEndArray();
        w.WriteStartArray("emailSha256");
        foreach (var email in Emails(profile)) w.WriteStringValue(AudienceIdentifiers.HashEmail(email));
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The profile's emails: its email identities and its <c>email</c> trait, each once after normalisation.</summary>
    internal static IEnumerable<string> Emails(Profile? profile)
    {
        if (profile is null) yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in profile.Identities)
            if (id.Type == IdentityTypes.Email && seen.Add(AudienceIdentifiers.NormalizeEmail(id.Value))) yield return id.Value;
        if (profile.Traits.TryGetValue("email", out var trait) && trait.Value.ValueKind == JsonValueKind.String && trait.Value.GetString() is { Length: > 0 } email
            && seen.Add(AudienceIdentifiers.NormalizeEmail(email)))
            yield return email;
    }
}
