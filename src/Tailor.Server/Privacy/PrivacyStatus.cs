using Tailor.Core.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Server.Privacy;

/// <summary>The privacy part of <c>GET /api/pipeline</c>: event retention's last run, people erased, events dropped for a suppressed identifier.</summary>
public sealed record PrivacyStatus(RetentionRun? LastRetentionRun, long Erasures, long SuppressedEvents)
{
    public static async Task<PrivacyStatus> ReadAsync(IPrivacyStore store, CancellationToken ct) =>
        new(await store.LastRetentionRunAsync(ct), await store.CounterAsync(PrivacyCounters.Erasures, ct), await store.CounterAsync(PrivacyCounters.SuppressedEvents, ct));
}
