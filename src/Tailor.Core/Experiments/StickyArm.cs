namespace Tailor.Core.Experiments;

/// <summary>
/// Stickiness across identities: when profiles merge, each keeps its first exposure, and the surviving profile's arm
/// is the earliest of them (ties broken by profile id, ordinal). A merge that joins exposures to different arms is a
/// change, counted in results, since that person saw more than one arm.
/// </summary>
public static class StickyArm
{
    /// <summary>The earliest exposure, and whether any exposure joined with it was to another arm; null when none.</summary>
    public static (Exposure Earliest, bool Changed)? Resolve(IReadOnlyList<Exposure> exposures)
    {
        if (exposures.Count == 0) return null;
        var earliest = exposures[0];
        for (var i = 1; i < exposures.Count; i++)
        {
            var e = exposures[i];
            if (e.At < earliest.At || (e.At == earliest.At && string.CompareOrdinal(e.ProfileId, earliest.ProfileId) < 0)) earliest = e;
        }
        var changed = false;
        foreach (var e in exposures) changed |= e.Arm != earliest.Arm;
        return (earliest, changed);
    }
}
