using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Core.Tests.Pipeline;

/// <summary>The merge guards and profile caps of <see cref="ProfileLimits"/>, as the batch applies them.</summary>
public sealed class MergeGuardTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);
    private long _sequence;

    private (ProfileChangeSet Changes, Profile?[] Targets) Run(ProfileLimits limits, IEnumerable<Profile> loaded, params TailorEvent[] events)
    {
        var batch = new ProfileBatch(loaded, new ProfileReducer(EngagementWeights.Default) { Limits = limits }, Now);
        var targets = events.Select(e => batch.Apply(View(e, ++_sequence))).ToArray();
        return (batch.ToChangeSet(0, _sequence), targets);
    }

    private static Identity.ProfileIdentifier User(string id) => new(IdentityTypes.UserId, id);
    private static Identity.ProfileIdentifier Anon(string id) => new(IdentityTypes.AnonymousId, id);
    private static JsonObject WithEmail(string email) => new() { ["traits"] = new JsonObject { ["email"] = email } };

    [Theory]
    [InlineData("undefined")]
    [InlineData("UNDEFINED")]
    [InlineData(" null ")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("anonymous")]
    [InlineData("None")]
    [InlineData("nil")]
    [InlineData("[object Object]")]
    public void Ignored_user_ids_never_identify_or_merge_visitors(string value)
    {
        var (changes, targets) = Run(ProfileLimits.Default, [],
            Track("Viewed", At(1), value, "visitor-1"),
            Track("Viewed", At(2), value, "visitor-2"),
            Identify(At(3), value, "visitor-3", new JsonObject { ["email"] = value }));

        Assert.Equal(3, targets.Select(t => t!.Id).Distinct().Count());
        Assert.Empty(changes.Merges);
        Assert.All(changes.Links, l => Assert.StartsWith("visitor-", l.Identity.Value, StringComparison.Ordinal));
        Assert.Empty(changes.Refusals);
    }

    [Fact]
    public void An_event_with_only_ignored_identities_belongs_to_no_profile_and_is_recorded()
    {
        var (changes, targets) = Run(ProfileLimits.Default, [],
            Track("Viewed", At(1), "undefined", "null"),
            Track("Viewed", At(2), "null", "undefined", context: WithEmail("  ")),
            Track("Viewed", At(3), anonymousId: "real"));

        Assert.Null(targets[0]);
        Assert.Null(targets[1]);
        Assert.Equal([3L], changes.Assignments.Select(a => a.Sequence));
        Assert.Single(changes.Profiles);
        Assert.Equal([(null, ProfileRefusalKinds.Unresolvable, 1L), (null, ProfileRefusalKinds.Unresolvable, 2L)],
            changes.Refusals.Select(r => (r.ProfileId, r.Kind, r.Sequence)));
    }

    [Fact]
    public void The_ignored_values_are_configurable_and_compared_case_insensitively()
    {
        var limits = new ProfileLimits { IgnoredIdentityValues = ["Guest"] };

        var (changes, targets) = Run(limits, [],
            Track("Viewed", At(1), "guest", "v1"),
            Track("Viewed", At(2), "GUEST", "v2"),
            Track("Viewed", At(3), "undefined", "v3"),
            Track("Viewed", At(4), "undefined", "v4"));

        Assert.NotSame(targets[0], targets[1]);
        Assert.Same(targets[2], targets[3]); // no longer ignored: "undefined" is an ordinary user id here
        Assert.DoesNotContain(changes.Links, l => l.Identity == User("guest"));
        Assert.True(limits.IsIgnored("   "));
        Assert.False(ProfileLimits.Default.IsIgnored("ann"));
    }

    [Fact]
    public void An_ignored_previous_id_on_alias_joins_nobody()
    {
        var stored = new Profile { Id = "p-null", CreatedAt = T0, UpdatedAt = T0, Identities = [User("null")] };

        var (changes, targets) = Run(ProfileLimits.Default, [stored], Alias(At(1), "u1", "null"));

        Assert.NotSame(stored, targets[0]);
        Assert.Empty(changes.Merges);
        Assert.Null(stored.MergedInto);
    }

    [Fact]
    public void Two_different_user_ids_never_merge_even_through_a_shared_anonymous_id()
    {
        var (changes, targets) = Run(ProfileLimits.Default, [],
            Identify(At(1), "u1", "shared-device"),
            Identify(At(2), "u2", "shared-device"),
            Track("Viewed", At(3), "u1", "shared-device", context: WithEmail("u2@example.com")));

        Assert.NotSame(targets[0], targets[1]);
        Assert.Same(targets[0], targets[2]);
        Assert.Empty(changes.Merges);
        Assert.DoesNotContain(User("u2"), targets[0]!.Identities);
    }

    [Fact]
    public void A_merge_past_the_identity_cap_is_refused_and_the_event_stays_on_its_profile()
    {
        var limits = new ProfileLimits { MaxIdentitiesPerProfile = 3 };
        var (changes, targets) = Run(limits, [],
            Track("Viewed", At(1), anonymousId: "a1", context: WithEmail("one@example.com")),
            Track("Viewed", At(2), anonymousId: "a2", context: WithEmail("two@example.com")),
            Identify(At(3), "u1", "a1", new JsonObject { ["email"] = "two@example.com" }));

        var first = targets[0]!;
        Assert.Same(first, targets[2]); // a1's profile takes the event (and the userId, within its cap)
        Assert.Null(targets[1]!.MergedInto);
        Assert.Empty(changes.Merges);
        Assert.Equal(3, first.Identities.Count);
        Assert.Contains(targets[1]!.Identities, i => i.Value == "two@example.com");
        var refusal = Assert.Single(changes.Refusals);
        Assert.Equal((first.Id, ProfileRefusalKinds.Merge, 3L), (refusal.ProfileId, refusal.Kind, refusal.Sequence));
        Assert.Contains("5 identities (limit 3)", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void New_identities_past_the_cap_are_not_linked_and_the_refusal_is_recorded_once_per_event()
    {
        var limits = new ProfileLimits { MaxIdentitiesPerProfile = 2 };
        var device = new JsonObject { ["device"] = new JsonObject { ["id"] = "d-1" }, ["traits"] = new JsonObject { ["email"] = "x@example.com" } };

        var (changes, targets) = Run(limits, [],
            Track("Viewed", At(1), anonymousId: "a1"),
            Track("Viewed", At(2), "u1", "a1", context: device));

        var profile = Assert.Single(changes.Profiles);
        Assert.Equal([Anon("a1"), User("u1")], profile.Identities);
        Assert.Equal(2, profile.Computed.EventCount);
        var refusal = Assert.Single(changes.Refusals);
        Assert.Equal(ProfileRefusalKinds.Identity, refusal.Kind);
        Assert.Same(targets[0], targets[1]);
    }

    [Fact]
    public void New_traits_past_the_count_cap_are_refused_while_existing_ones_still_update()
    {
        var limits = new ProfileLimits { MaxTraits = 2 };

        var (changes, targets) = Run(limits, [],
            Identify(At(1), "u1", traits: new JsonObject { ["a"] = 1, ["b"] = 2 }),
            Identify(At(2), "u1", traits: new JsonObject { ["a"] = 10, ["c"] = 3, ["d"] = 4 }));

        var profile = targets[1]!;
        Assert.Equal(["a", "b"], profile.Traits.Keys.Order());
        Assert.Equal(10, profile.Traits["a"].Value.GetInt32());
        Assert.DoesNotContain(changes.TraitHistory, h => h.Name is "c" or "d");
        var refusal = Assert.Single(changes.Refusals);
        Assert.Equal((profile.Id, ProfileRefusalKinds.Trait, 2L), (refusal.ProfileId, refusal.Kind, refusal.Sequence));
        Assert.Contains("'c'", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void New_traits_past_the_byte_cap_are_refused()
    {
        var limits = new ProfileLimits { MaxTraitBytes = 40 };

        var (changes, targets) = Run(limits, [],
            Identify(At(1), "u1", traits: new JsonObject { ["bio"] = new string('x', 20) }),
            Identify(At(2), "u1", traits: new JsonObject { ["more"] = new string('y', 20), ["n"] = 1 }));

        Assert.Equal(["bio", "n"], targets[1]!.Traits.Keys.Order());
        Assert.True(ProfileLimits.TraitBytes(targets[1]!) <= 40);
        Assert.Equal(ProfileRefusalKinds.Trait, Assert.Single(changes.Refusals).Kind);
    }

    [Fact]
    public void A_merge_past_the_trait_cap_goes_ahead_and_keeps_the_traits_that_fit()
    {
        var limits = new ProfileLimits { MaxTraits = 3 };

        var (changes, targets) = Run(limits, [],
            Identify(At(1), anonymousId: "a1", traits: new JsonObject { ["a"] = 1, ["b"] = 2 }),
            Identify(At(2), anonymousId: "a2", traits: new JsonObject { ["c"] = 1, ["d"] = 2 }),
            Track("Viewed", At(3), anonymousId: "a2", context: new JsonObject { ["traits"] = new JsonObject { ["email"] = "e@example.com" } }),
            Track("Viewed", At(4), anonymousId: "a1", context: WithEmail("e@example.com")));

        var merge = Assert.Single(changes.Merges);
        var survivor = targets[3]!;
        Assert.Equal((targets[0]!.Id, targets[1]!.Id), (merge.WinnerId, merge.LoserId));
        Assert.Equal(["a", "b", "c"], survivor.Traits.Keys.Order(StringComparer.Ordinal)); // the loser's c fits, then d and email do not
        var refusal = Assert.Single(changes.Refusals, r => r.Detail.Contains("merged profile", StringComparison.Ordinal));
        Assert.Equal((ProfileRefusalKinds.Trait, survivor.Id), (refusal.Kind, refusal.ProfileId));
        Assert.Contains($"2 of the traits of merged profile {targets[1]!.Id} not kept, the first trait 'd' refused", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains("limit 3", refusal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_merge_past_the_byte_cap_keeps_the_loser_traits_that_fit_and_updates_shared_ones()
    {
        var limits = new ProfileLimits { MaxTraitBytes = 40 };

        var (changes, targets) = Run(limits, [],
            Identify(At(1), anonymousId: "a1", traits: new JsonObject { ["plan"] = "free", ["email"] = "e@example.com" }),
            Identify(At(2), anonymousId: "a2", traits: new JsonObject { ["plan"] = "pro", ["bio"] = new string('x', 20), ["n"] = 1 }),
            Track("Viewed", At(3), anonymousId: "a2", context: WithEmail("e@example.com")));

        var survivor = targets[0]!;
        Assert.Same(survivor, targets[2]);
        Assert.Equal("pro", survivor.Traits["plan"].Value.GetString()); // later, and already held: updated
        Assert.False(survivor.Traits.ContainsKey("bio"));
        Assert.Equal(1, survivor.Traits["n"].Value.GetInt32());
        Assert.True(ProfileLimits.TraitBytes(survivor) <= 40);
        Assert.Contains("trait 'bio' refused", Assert.Single(changes.Refusals).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_capped_merge_keeps_the_loser_traits_in_the_order_of_their_names_however_they_were_added()
    {
        // A loser loaded from PostgreSQL comes back in jsonb's key order, one made in this batch in the order its traits
        // came: the same log must keep the same traits either way.
        var limits = new ProfileLimits { MaxTraits = 3 }; // the survivor holds m and, from the first event, email
        Profile Loser(params string[] names)
        {
            var loser = new Profile { Id = "p-loser", CreatedAt = Now, UpdatedAt = Now, Identities = [Anon("a2")] };
            foreach (var name in names) loser.Traits[name] = new TraitValue(System.Text.Json.JsonSerializer.SerializeToElement(1), T0);
            return loser;
        }
        Profile Survivor() => new() { Id = "p-old", CreatedAt = Now.AddDays(-1), UpdatedAt = Now, Identities = [Anon("a1")], Traits = { ["m"] = new TraitValue(System.Text.Json.JsonSerializer.SerializeToElement(1), T0) } };
        string[] Kept(Profile loser)
        {
            _sequence = 0;
            var (_, targets) = Run(limits, [Survivor(), loser], Track("Viewed", At(1), anonymousId: "a1", context: WithEmail("e@example.com")),
                Track("Viewed", At(2), anonymousId: "a2", context: WithEmail("e@example.com")));
            return [.. targets[1]!.Traits.Keys.Order(StringComparer.Ordinal)];
        }

        Assert.Equal(["a", "email", "m"], Kept(Loser("zz", "a")));
        Assert.Equal(["a", "email", "m"], Kept(Loser("a", "zz")));
    }

    [Fact]
    public void Where_an_event_lands_depends_on_identities_only_never_on_traits()
    {
        // What the partitioned fold needs (docs/scale.md): a resolver that sees no traits assigns every event alike.
        var limits = new ProfileLimits { MaxTraits = 2, MaxTraitBytes = 64 };
        TailorEvent[] Day(bool withTraits)
        {
            JsonObject? Traits(int n) => withTraits ? new JsonObject(Enumerable.Range(0, n).Select(i => KeyValuePair.Create($"t{n}-{i}", (JsonNode?)new string('v', 20)))) : null;
            return [
                Identify(At(1), anonymousId: "a1", traits: Traits(3), messageId: "m1"),
                Identify(At(2), anonymousId: "a2", traits: Traits(4), messageId: "m2"),
                Identify(At(3), "u1", "a2", traits: Traits(2), messageId: "m3"),
                Alias(At(4), "u1", "a1", messageId: "m4"),
                Identify(At(5), "u2", "a3", traits: Traits(5), messageId: "m5"),
                Identify(At(6), "u2", "a1", traits: Traits(1), messageId: "m6"),
            ];
        }

        _sequence = 0;
        var (bare, _) = Run(limits, [], Day(withTraits: false));
        _sequence = 0;
        var (full, _) = Run(limits, [], Day(withTraits: true));

        Assert.Equal(bare.Assignments, full.Assignments);
        Assert.Equal(bare.Merges.Select(m => (m.WinnerId, m.LoserId)), full.Merges.Select(m => (m.WinnerId, m.LoserId)));
        Assert.Equal(bare.Links, full.Links);
        Assert.Contains(full.Refusals, r => r.Kind == ProfileRefusalKinds.Trait); // the caps were reached
    }
}
