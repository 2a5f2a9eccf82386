using Tailor.Application.Destinations;
using Tailor.Core.Delivery;
using Tailor.Core.Destinations;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Server.Destinations;

/// <summary>
/// Reads the next export batch of a destination from given positions: events the profile pipeline has assigned (up
/// to its position, through the same read the trigger engine uses), the profiles they touched as they are now,
/// membership history by id and sends by id. Every row passes the <see cref="ConsentGate"/> for the destination's
/// purpose (<c>data sharing</c> by default; a merged profile answers with its survivor's consent): the events, profile,
/// memberships and sends of a profile without that consent are dropped whole, not exported in any form, and counted.
/// </summary>
internal sealed class ExportReader(ITriggerStore assigned, IPositionStore positions, IDestinationStore store, TimeProvider time)
{
    /// <param name="consents">Consents already read in this step (read once per step, not per batch), or null to read them all.</param>
    /// <param name="eventRows">Events as <see cref="ExportBatch.EventRows"/> (the Parquet rows, made from the payloads' UTF-8) instead of <see cref="ExportBatch.Events"/>.</param>
    public async Task<ExportBatch> ReadAsync(Destination d, IReadOnlyDictionary<string, long> from, int max, CancellationToken ct,
        Dictionary<string, Profile>? consents = null, bool eventRows = false)
    {
        var full = false;
        var tables = DestinationOperations.ExportedTables(d);
        var moves = new Dictionary<string, PositionMove>(StringComparer.Ordinal);
        IReadOnlyList<AssignedEvent> events = [];
        IReadOnlyList<Profile> profiles = [];
        IReadOnlyList<SegmentChangeEntry> memberships = [];
        IReadOnlyList<SendRecord> sends = [];
        ExportEventRows? rows = eventRows ? new ExportEventRows(max) : null;
        if (from.TryGetValue(ExportTables.Events, out var eventsFrom))
        {
            var upTo = await positions.FoldedUpToAsync(ct);
            int count;
            if (rows is not null) count = upTo > eventsFrom ? await store.VisitAssignedEventsAsync(eventsFrom, upTo, max, rows, ct) : 0;
            else count = (events = upTo > eventsFrom ? await assigned.AssignedEventsAsync(eventsFrom, upTo, max, ct) : []).Count;
            // A short read covers the whole range, events set aside by the pipeline (never assigned) included.
            full |= count == max;
            var to = count == max ? (rows is not null ? rows.Rows[^1].Sequence : events[^1].Sequence) : Math.Max(eventsFrom, upTo);
            moves[ExportTables.Events] = new PositionMove(d.PositionName(ExportTables.Events), eventsFrom, to);
            if (tables.Contains(ExportTables.Profiles) && count > 0)
            {
                var ids = new HashSet<string>(StringComparer.Ordinal);
                if (rows is not null) foreach (var e in rows.Rows) ids.Add(e.ProfileId);
                else foreach (var e in events) ids.Add(e.ProfileId);
                var found = await store.ProfilesAsync(ids, ct);
                profiles = [.. found.Values.OrderBy(p => p.Id, StringComparer.Ordinal)];
            }
            if (!tables.Contains(ExportTables.Events))
            {
                events = [];
                rows?.Rows.Clear();
            }
        }
        if (from.TryGetValue(ExportTables.Memberships, out var historyFrom))
        {
            memberships = await assigned.SegmentChangesAfterAsync(historyFrom, max, ct);
            full |= memberships.Count == max;
            moves[ExportTables.Memberships] = new PositionMove(d.PositionName(ExportTables.Memberships), historyFrom, memberships.Count > 0 ? memberships[^1].Id : historyFrom);
        }
        if (from.TryGetValue(ExportTables.Sends, out var sendsFrom))
        {
            sends = await store.SendsAfterAsync(sendsFrom, max, ct);
            full |= sends.Count == max;
            moves[ExportTables.Sends] = new PositionMove(d.PositionName(ExportTables.Sends), sendsFrom, sends.Count > 0 ? sends[^1].Id : sendsFrom);
        }
        var gated = (rows?.Rows.Select(e => e.ProfileId) ?? events.Select(e => e.ProfileId)).Concat(profiles.Select(p => p.Id)).Concat(memberships.Select(m => m.ProfileId)).Concat(sends.Select(s => s.ProfileId));
        var consent = consents is null ? await ConsentLookup.LoadConsentAsync(store, gated, ct) : await ConsentLookup.LoadConsentAsync(store, gated, consents, ct);
        return Gate(d, events, rows, profiles, memberships, sends, moves, time.GetUtcNow(), consent, full);
    }

    /// <summary>The batch with only the rows whose profile the gate lets through for the destination's purpose.</summary>
    private static ExportBatch Gate(Destination d, IReadOnlyList<AssignedEvent> events, ExportEventRows? rows, IReadOnlyList<Profile> profiles, IReadOnlyList<SegmentChangeEntry> memberships,
        IReadOnlyList<SendRecord> sends, Dictionary<string, PositionMove> moves, DateTimeOffset now, ConsentLookup consent, bool full)
    {
        var purpose = DestinationRules.PurposeOf(d);
        long refused = 0;
        List<T> Keep<T>(IReadOnlyList<T> rows, Func<T, string> profileId)
        {
            var kept = new List<T>(rows.Count);
            foreach (var row in rows)
                if (consent.Refusal(profileId(row), purpose) is null) kept.Add(row);
                else refused++;
            return kept;
        }
        if (rows is not null) refused += rows.Rows.RemoveAll(e => consent.Refusal(e.ProfileId, purpose) is not null);
        return new ExportBatch(Keep(events, e => e.ProfileId), Keep(profiles, p => p.Id), Keep(memberships, m => m.ProfileId), Keep(sends, s => s.ProfileId),
            moves, now, refused, full, rows);
    }

    /// <summary>The destination's committed positions, per cursor.</summary>
    public async Task<Dictionary<string, long>> PositionsAsync(Destination d, CancellationToken ct)
    {
        var at = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var cursor in DestinationOperations.FollowedTables(d)) at[cursor] = await positions.PositionAsync(d.PositionName(cursor), ct);
        return at;
    }
}
