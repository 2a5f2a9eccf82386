using Tailor.Core.Content;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Application.Content;

/// <summary>How a render's scope is put together from a profile's facts, the segment values and the moment: the same for placements, emails and previews.</summary>
public static class RenderScopes
{
    /// <summary>The render scope for a profile's facts (or none, for the non-personalised default).</summary>
    /// <param name="personalizationSegments">The segments the primary segment is chosen among (see <see cref="PersonalizationSegments"/>).</param>
    public static RenderScope For(ProfileFacts? facts, IReadOnlySet<string> personalizationSegments, IReadOnlyCollection<SegmentValues> segmentValues,
        IReadOnlyList<RecommendedItem> recommendations, RequestContext request, DateTimeOffset now, IReadOnlyDictionary<string, object?>? campaign = null) => new()
    {
        Facts = facts,
        PrimarySegment = facts is null ? null : SegmentValues.PrimaryFor(personalizationSegments, segmentValues),
        Recommendations = recommendations,
        Request = request,
        Now = now,
        Campaign = campaign ?? new Dictionary<string, object?>(),
    };

    /// <summary>
    /// The segments personalization uses for a profile: each of its segments, except that a micro-segment below its
    /// minimum size gives way to its nearest ancestor that is big enough (docs/segments.md, <c>personalizeAs</c>).
    /// </summary>
    public static IReadOnlySet<string> PersonalizationSegments(IReadOnlySet<string> memberships, SegmentCatalog catalog, IReadOnlyDictionary<string, long> sizes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in memberships)
            if (catalog.ByName(name) is { } segment && SegmentValidator.Effective(segment.Id, catalog, sizes) is { } effective) names.Add(effective.Name);
        return names;
    }
}
