using Tailor.Core.Delivery;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Application.Delivery;

/// <summary>
/// The one frequency-cap policy: counts a profile's past contacts (and those decided but not yet stored) against
/// caps, for triggers and campaigns alike. <see cref="Global"/> are the per-channel caps across every trigger
/// (<c>TAILOR_CAPS</c>); a trigger's own caps count its contacts only, a campaign's count every origin.
/// </summary>
public sealed class FrequencyPolicy(IContactLog contacts, IReadOnlyList<FrequencyCap> global)
{
    public IReadOnlyList<FrequencyCap> Global => global;

    /// <summary>The caps an action of <paramref name="trigger"/> on <paramref name="channel"/> is held to: the trigger's own (one without a channel holds every channel) and the global ones.</summary>
    public IReadOnlyList<FrequencyCap> ForTrigger(TriggerCatalog.Compiled trigger, string channel)
    {
        var caps = new List<FrequencyCap>();
        foreach (var cap in trigger.Definition.Caps)
            if (cap.Channel is null || cap.Channel == channel) caps.Add(new FrequencyCap(cap.Max, cap.Per, channel, trigger.Origin));
        foreach (var cap in global)
            if (cap.Channel == channel) caps.Add(cap);
        return caps;
    }

    /// <summary>The reason one more contact at <paramref name="at"/> would break a cap (to record it as suppressed), or null when it is allowed.</summary>
    /// <param name="pending">Contacts decided but not stored yet (earlier in the same batch): they count.</param>
    public async Task<string?> ViolationAsync(string profileId, IEnumerable<FrequencyCap> caps, DateTimeOffset at, IReadOnlyCollection<Contact> pending,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caps);
        foreach (var cap in caps)
        {
            var count = await contacts.CountContactsAsync(profileId, cap.Channel, cap.Origin, at - cap.Per, cancellationToken);
            foreach (var c in pending)
                if (c.ProfileId == profileId && c.Channel == cap.Channel && (cap.Origin is null || c.Origin == cap.Origin) && c.At >= at - cap.Per) count++;
            if (count >= cap.Max) return $"frequency cap: {cap} ({count} already)";
        }
        return null;
    }
}
