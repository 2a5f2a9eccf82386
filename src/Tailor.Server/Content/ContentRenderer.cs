using Tailor.Core.Content;
using Tailor.Core.Identity;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Core.Segments.Evaluation;
using Tailor.Application.Segments;

namespace Tailor.Server.Content;

/// <summary>Gathers what a render reads (profile facts, segment values, popular items, the clock) for the content APIs and the sender.</summary>
public sealed class ContentRenderer(LiquidEngine engine, ProfileScopes profiles, PopularItemsSource popular, SegmentEngine segments, ISegmentStore store, TimeProvider time)
{
    /// <summary>Segment sizes (for "too small" micro-segments) are recounted at most this often, except for previews.</summary>
    public static readonly TimeSpan SizesMaxAge = TimeSpan.FromSeconds(10);
    private (IReadOnlyDictionary<string, long> Sizes, DateTimeOffset At)? _sizes;

    public LiquidEngine Engine { get; } = engine;
    public ProfileScopes Profiles { get; } = profiles;

    /// <summary>A profile's facts read now (not from the warm cache): previews and emails show the profile as it is.</summary>
    public ValueTask<ProfileFacts?> FactsAsync(string profileId, ContentCatalog.Snapshot content, CancellationToken ct, bool warm = false) =>
        Profiles.FactsAsync(profileId, content.EventNames, warm, ct);

    /// <summary>
    /// For previews: the profile with this id, else the one whose userId it is (what a marketer has at hand), read now.
    /// Null when neither exists.
    /// </summary>
    public async ValueTask<ProfileFacts?> PreviewFactsAsync(string profileIdOrUserId, ContentCatalog.Snapshot content, CancellationToken ct) =>
        await FactsAsync(profileIdOrUserId, content, ct)
        ?? (await Profiles.OwnerAsync(new ProfileIdentifier(IdentityTypes.UserId, profileIdOrUserId), ct) is { } owner ? await FactsAsync(owner, content, ct) : null);

    /// <param name="fresh">Count segment sizes now (previews) rather than within <see cref="SizesMaxAge"/>.</param>
    public async ValueTask<RenderScope> ScopeAsync(ProfileFacts? facts, ContentCatalog.Snapshot content, RequestContext request,
        IReadOnlyDictionary<string, object?>? campaign, CancellationToken ct, bool fresh = false)
    {
        IReadOnlySet<string> personalization = new HashSet<string>();
        // Sizes are only needed to choose a primary segment, so only when some segment gives values.
        if (facts is not null && content.SegmentValues.Count > 0)
            personalization = PersonalizationSegments(facts.Segments, segments.Catalog, await SizesAsync(fresh, ct));
        return ProfileScopes.Scope(facts, personalization, content, await popular.ItemsAsync(ct), request, time.GetUtcNow(), campaign);
    }

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

    private async ValueTask<IReadOnlyDictionary<string, long>> SizesAsync(bool fresh, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!fresh && _sizes is { } cached && now - cached.At < SizesMaxAge) return cached.Sizes;
        var sizes = await store.SegmentSizesAsync(ct);
        _sizes = (sizes, now);
        return sizes;
    }
}
