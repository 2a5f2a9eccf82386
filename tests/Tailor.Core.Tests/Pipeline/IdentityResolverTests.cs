using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Tests.Support;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Core.Tests.Pipeline;

/// <summary>
/// The identity half of the fold on its own: what a resolver stage running ahead of a reduction split by profile
/// would write (docs/scale.md).
/// </summary>
public sealed class IdentityResolverTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    [Fact]
    public void Resolving_alone_lands_every_event_where_the_whole_fold_does()
    {
        var day = VisitorDay.Messages();
        var views = day.Select((e, i) => EventView.Parse(new LoggedEvent(i + 1, e))).ToArray();

        var fold = new ProfileBatch([], new ProfileReducer(EngagementWeights.Default), Now);
        var folded = views.Select(v => fold.Apply(v)?.Id).ToArray();
        var changes = fold.ToChangeSet(0, views.Length);
        var resolver = new IdentityResolver([], ProfileLimits.Default, Now, []);
        var resolved = views.Select(v => resolver.Resolve(v)?.Target.Id).ToArray();

        Assert.Equal(folded, resolved);
        Assert.Equal(changes.Links, resolver.Links);
        Assert.Equal(changes.Merges, resolver.Merges);
        Assert.NotEmpty(resolver.Merges); // the day holds an alias that merges two profiles
    }

    [Fact]
    public void A_merge_hands_the_losers_identities_to_the_survivor_and_leaves_their_state_to_the_reduction()
    {
        var a1 = new Profile { Id = "p-a1", CreatedAt = T0, UpdatedAt = T0, Identities = [new(Identity.IdentityTypes.AnonymousId, "a1")] };
        a1.Traits["plan"] = new TraitValue(System.Text.Json.JsonSerializer.SerializeToElement("pro"), T0);
        a1.Computed.EventCount = 7;
        var resolver = new IdentityResolver([a1], ProfileLimits.Default, Now, []);
        var a2 = resolver.Resolve(View(Page(At(2), anonymousId: "a2"), 2))!.Value.Target;

        var (target, absorbed) = resolver.Resolve(View(Alias(At(3), "u1", "a2"), 3))!.Value;
        var (survivor, merged) = resolver.Resolve(View(Identify(At(4), "u1", "a1"), 4))!.Value;

        Assert.Same(a2, target);
        Assert.Empty(absorbed);
        Assert.Same(a2, survivor); // it holds the userId
        Assert.Same(a1, Assert.Single(merged));
        Assert.Equal(a2.Id, a1.MergedInto);
        Assert.Contains(new Identity.ProfileIdentifier(Identity.IdentityTypes.AnonymousId, "a1"), a2.Identities);
        Assert.Empty(a2.Traits); // the loser's state is the reduction's to fold in: the resolver never moves it
        Assert.Equal(0, a2.Computed.EventCount);
        Assert.Equal((1, 7), (a1.Traits.Count, a1.Computed.EventCount));
    }
}
