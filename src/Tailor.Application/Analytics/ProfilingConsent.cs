using Tailor.Core.Delivery;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics;

/// <summary>
/// The consent gate for profiling (GDPR Art. 21, 22): which of a job's profiles <see cref="ConsentGate"/> lets through
/// for <c>personalization</c>. A job trains on, and writes back to, only those; the others are as if they had no data.
/// </summary>
public static class ProfilingConsent
{
    /// <summary>Profiles read per query: bounded, so a job over millions of profiles never holds them all at once.</summary>
    private const int Page = 2000;

    /// <summary>The ids among <paramref name="profileIds"/> whose live profile consented to <c>personalization</c>.</summary>
    public static async Task<HashSet<string>> ConsentingAsync(IAnalyticsStore store, IEnumerable<string> profileIds, CancellationToken ct)
    {
        var consenting = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in profileIds.Distinct(StringComparer.Ordinal).Chunk(Page))
        {
            var profiles = await store.LiveProfilesAsync(page, ct);
            foreach (var id in page)
                if (ConsentGate.Refusal(profiles.GetValueOrDefault(id), ConsentPurposes.Personalization) is null) consenting.Add(id);
        }
        return consenting;
    }
}
