using Tailor.Core.Content;
using Tailor.Core.Identity;
using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Storage;

namespace Tailor.Application.Content;

/// <summary>
/// What a preview renders for, once for the HTTP API and the CLI: a profile found by id or by its userId (what a
/// marketer has at hand), read now rather than from any cache, and a scope whose segment sizes are counted now.
/// </summary>
public sealed class ContentPreview(ISegmentStore segments, IProfileStore profiles, TimeProvider time)
{
    /// <summary>The facts of the profile with this id, else of the one whose userId it is; null when neither exists.</summary>
    /// <param name="eventNames">The events block conditions read (the content's event names).</param>
    public async Task<ProfileFacts?> FactsAsync(string profileIdOrUserId, IReadOnlySet<string> eventNames, CancellationToken ct)
    {
        var catalog = new SegmentCatalog(await segments.ListSegmentsAsync(ct));
        return await ReadAsync(profileIdOrUserId, eventNames, catalog, ct)
            ?? (await profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, profileIdOrUserId), ct) is { } owner
                ? await ReadAsync(owner.Id, eventNames, catalog, ct) : null);
    }

    /// <summary>The scope a preview renders in, for <paramref name="facts"/> (null: the non-personalised version).</summary>
    public async Task<RenderScope> ScopeAsync(ProfileFacts? facts, IReadOnlyCollection<SegmentValues> segmentValues, IReadOnlyList<RecommendedItem> recommendations,
        RequestContext request, CancellationToken ct)
    {
        IReadOnlySet<string> personalization = new HashSet<string>();
        // Sizes are only needed to choose a primary segment, so only when some segment gives values.
        if (facts is not null && segmentValues.Count > 0)
            personalization = RenderScopes.PersonalizationSegments(facts.Segments, new SegmentCatalog(await segments.ListSegmentsAsync(ct)), await segments.SegmentSizesAsync(ct));
        return RenderScopes.For(facts, personalization, segmentValues, recommendations, request, time.GetUtcNow());
    }

    private async Task<ProfileFacts?> ReadAsync(string profileId, IReadOnlySet<string> eventNames, SegmentCatalog catalog, CancellationToken ct)
    {
        var snapshots = await segments.SnapshotsAsync([profileId], SnapshotScope.Full(eventNames), ct);
        if (snapshots.Count == 0) return null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in snapshots[0].Memberships)
            if (catalog.ById(id) is { } segment) names.Add(segment.Name);
        return new ProfileFacts(snapshots[0].Profile, snapshots[0].Events, names, NoPopulationStats.Instance);
    }
}
