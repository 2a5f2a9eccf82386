using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Core.Content;

/// <summary>
/// Everything one render may read: the profile's rule facts (profile, its events, its segment names), the primary
/// segment's values, recommendations, where the content is shown, and the campaign. A null profile renders the
/// non-personalised version (every profile value missing, so defaults and fallbacks apply).
/// </summary>
public sealed class RenderScope
{
    public ProfileFacts? Facts { get; init; }
    public SegmentValues? PrimarySegment { get; init; }
    public IReadOnlyList<RecommendedItem> Recommendations { get; init; } = [];
    public RequestContext Request { get; init; } = RequestContext.None;
    /// <summary>Campaign values (<c>campaign.id</c>, <c>campaign.name</c>, <c>campaign.unsubscribe_url</c>, ...).</summary>
    public IReadOnlyDictionary<string, object?> Campaign { get; init; } = new Dictionary<string, object?>();
    /// <summary>
    /// Further top-level names a sender gives its emails (a trigger's <c>trigger</c> and <c>event</c>); the names
    /// above win over one of these with the same name.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Globals { get; init; } = new Dictionary<string, object?>();
    public required DateTimeOffset Now { get; init; }

    public Profile? Profile => Facts?.Profile;
}
