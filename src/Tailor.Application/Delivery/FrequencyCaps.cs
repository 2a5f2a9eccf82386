using Tailor.Core.Delivery;
using Tailor.Core.Storage;

namespace Tailor.Application.Delivery;

public static class FrequencyCaps
{
    /// <summary>The reason the next contact would break a cap (to record it as suppressed), or null when it is allowed.</summary>
    public static async Task<string?> ViolationAsync(IContactLog log, string profileId, IEnumerable<FrequencyCap> caps, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(caps);
        foreach (var cap in caps)
        {
            var count = await log.CountContactsAsync(profileId, cap.Channel, cap.Origin, now - cap.Per, cancellationToken);
            if (count >= cap.Max) return $"frequency cap: {cap} ({count} already)";
        }
        return null;
    }
}
