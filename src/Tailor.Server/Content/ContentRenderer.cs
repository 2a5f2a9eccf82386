using Tailor.Core.Content;
using Tailor.Core.Storage;
using Tailor.Core.Segments.Evaluation;
using Tailor.Application.Content;
using Tailor.Application.Segments;

namespace Tailor.Server.Content;

/// <summary>Gathers what a render reads (profile facts, segment values, recommendations, the clock) for placements and the sender; previews use <see cref="ContentPreview"/>.</summary>
public sealed class ContentRenderer(LiquidEngine engine, ProfileScopes profiles, RecommendationsSource recommendations, SegmentEngine segments, ISegmentStore store, TimeProvider time)
{
    /// <summary>Segment sizes (for "too small" micro-segments) are recounted at most this often, except for previews.</summary>
    public static readonly TimeSpan SizesMaxAge = TimeSpan.FromSeconds(10);
    private (IReadOnlyDictionary<string, long> Sizes, DateTimeOffset At)? _sizes;

    public LiquidEngine Engine { get; } = engine;
    public ProfileScopes Profiles { get; } = profiles;

    /// <summary>A profile's facts read now (not from the warm cache): previews and emails show the profile as it is.</summary>
    public ValueTask<ProfileFacts?> FactsAsync(string profileId, ContentCatalog.Snapshot content, CancellationToken ct, bool warm = false) =>
        Profiles.FactsAsync(profileId, content.EventNames, warm, ct);

    /// <param name="fresh">Count segment sizes now (previews) rather than within <see cref="SizesMaxAge"/>.</param>
    /// <param name="withRecommendations">False when nothing rendered can read <c>recommendations</c> (it costs a store read):
    /// <c>/v1/personalize</c> passes <see cref="ContentCatalog.Snapshot.ReadsRecommendations"/>.</param>
    public async ValueTask<RenderScope> ScopeAsync(ProfileFacts? facts, ContentCatalog.Snapshot content, RequestContext request,
        IReadOnlyDictionary<string, object?>? campaign, CancellationToken ct, bool fresh = false, bool withRecommendations = true)
    {
        IReadOnlySet<string> personalization = new HashSet<string>();
        // Sizes are only needed to choose a primary segment, so only when some segment gives values.
        if (facts is not null && content.SegmentValues.Count > 0)
            personalization = RenderScopes.PersonalizationSegments(facts.Segments, segments.Catalog, await SizesAsync(fresh, ct));
        var items = withRecommendations ? await recommendations.ForAsync(facts?.Profile.Id, ct) : [];
        return RenderScopes.For(facts, personalization, content.SegmentValues, items, request, time.GetUtcNow(), campaign);
    }

    private async ValueTask<IReadOnlyDictionary<string, long>> SizesAsync(bool fresh, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!fresh && _sizes is { } cached && now - cached.At < SizesMaxAge) return cached.Sizes;
        var sizes = await store.SegmentSizesAsync(ct);
        _sizes = (sizes, now);
        return sizes;
    }
}
