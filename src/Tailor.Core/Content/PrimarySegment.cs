using System.Text.Json;

namespace Tailor.Core.Content;

/// <summary>
/// Content values a marketer attached to a segment (a discount, a hero image, a tone), offered to templates as
/// <c>user.segment.*</c> for the profile's primary segment (see <see cref="SegmentValues.PrimaryFor"/>).
/// </summary>
/// <param name="Priority">Higher wins when a profile is in several segments that have values.</param>
public sealed record SegmentValues(string Segment, int Priority, IReadOnlyDictionary<string, JsonElement> Values, DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// The primary segment of a profile: among the segments it is in that have content values, the one with the highest
    /// priority; ties go to the name that sorts first (ordinal), so the choice is stable. Null when none has values.
    /// </summary>
    public static SegmentValues? PrimaryFor(IReadOnlySet<string> segmentNames, IReadOnlyCollection<SegmentValues> all)
    {
        SegmentValues? best = null;
        foreach (var candidate in all)
        {
            if (!segmentNames.Contains(candidate.Segment)) continue;
            if (best is null || candidate.Priority > best.Priority
                || (candidate.Priority == best.Priority && string.CompareOrdinal(candidate.Segment, best.Segment) < 0))
                best = candidate;
        }
        return best;
    }
}
