using Tailor.Core.Content;
using Tailor.Core.Identity;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Server.Content;

/// <summary>Gathers what a render reads (profile facts, segment values, popular items, the clock) for the content APIs and the sender.</summary>
public sealed class ContentRenderer(LiquidEngine engine, ProfileScopes profiles, PopularItemsSource popular, TimeProvider time)
{
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
        ?? (await Profiles.OwnerAsync(new Identity(IdentityTypes.UserId, profileIdOrUserId), ct) is { } owner ? await FactsAsync(owner, content, ct) : null);

    public async ValueTask<RenderScope> ScopeAsync(ProfileFacts? facts, ContentCatalog.Snapshot content, RequestContext request,
        IReadOnlyDictionary<string, object?>? campaign, CancellationToken ct) =>
        ProfileScopes.Scope(facts, content, await popular.ItemsAsync(ct), request, time.GetUtcNow(), campaign);
}
