using System.Buffers;
using System.Text.Json;
using Tailor.Core.Destinations;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>
/// Audience sync: the entries and exits of one segment, from the membership history after the destination's position,
/// sent as the add/remove lists ad platforms' custom-audience APIs take — per member the profile id, the user ids and
/// the SHA-256 of each normalised email. Members whose profile has not consented to the purpose (<c>data sharing</c>)
/// are left out of both lists (counted as skipped).
/// </summary>
internal sealed class AudienceSync(ITriggerStore history, IPositionStore positions, IDestinationStore store, BatchDelivery delivery, TimeProvider time) : IDestinationDriver
{
    private const int Chunk = 2000;

    public string Kind => DestinationKinds.Audience;

    public async Task<FollowerStep> StepAsync(Destination d, CancellationToken ct)
    {
        var name = d.PositionName(ExportTables.Memberships);
        var from = await positions.PositionAsync(name, ct);
        var retryTo = delivery.RetryUpTo(d, from);
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
        var purpose = d.Settings.Purpose ?? DestinationRules.DefaultPurpose;
        var (body, sent, skipped) = Body(d, mine, consent, purpose, move, time.GetUtcNow());
        if (sent == 0) return await delivery.SkipAsync(d, move, skipped, ct);
        if (!full && delivery.HoldUntil(d, from) is { } until) return FollowerStep.Idle(until);
        return await delivery.SendAsync(d, ExportTables.Memberships, move, body, sent, skipped, ct);
    }

    /// <summary>The request body: <c>{ audience, schema, add: [...], remove: [...], range, sentAt }</c>.</summary>
    internal static (byte[] Body, int Sent, int Skipped) Body(Destination d, IReadOnlyList<SegmentChangeEntry> changes, ConsentLookup consent, string purpose, PositionMove move, DateTimeOffset now)
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
                    if (consent.Refusal(change.ProfileId, purpose) is not null) { skipped++; continue; }
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
