using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Core.Tests.Pipeline;

public sealed class ProfileBatchTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);
    private long _sequence;

    private static Identity.ProfileIdentifier User(string id) => new(IdentityTypes.UserId, id);
    private static Identity.ProfileIdentifier Anon(string id) => new(IdentityTypes.AnonymousId, id);
    private static Identity.ProfileIdentifier Email(string email) => new(IdentityTypes.Email, email);

    /// <summary>Applies <paramref name="events"/> in one batch over <paramref name="loaded"/> profiles, as the pipeline would.</summary>
    private (ProfileChangeSet Changes, Profile[] Targets) Run(IEnumerable<Profile> loaded, params TailorEvent[] events)
    {
        var batch = new ProfileBatch(loaded, new ProfileReducer(EngagementWeights.Default), Now);
        var targets = events.Select(e => batch.Apply(View(e, ++_sequence))!).ToArray();
        return (batch.ToChangeSet(0, _sequence), targets);
    }

    private static Profile Stored(string id, DateTimeOffset createdAt, params Identity.ProfileIdentifier[] identities)
    {
        var profile = new Profile { Id = id, CreatedAt = createdAt, UpdatedAt = createdAt, Identities = [.. identities] };
        profile.Computed.EventCount = 1;
        return profile;
    }

    private static IEnumerable<Profile> Live(ProfileChangeSet changes) => changes.Profiles.Where(p => p.MergedInto is null);

    [Fact]
    public void A_changed_profile_is_stamped_with_the_processing_time_not_the_event_time()
    {
        var stored = Stored("p0", T0.AddDays(-3), User("u1"));

        var (changes, _) = Run([stored], Track("Viewed", At(-90), "u1"));

        Assert.Equal(Now, Assert.Single(changes.Profiles).UpdatedAt);
        Assert.Equal(At(-90), stored.Computed.LastSeen);
    }

    [Fact]
    public void Anonymous_visitor_who_identifies_becomes_one_profile_owning_the_earlier_events()
    {
        var (changes, targets) = Run([],
            Page(At(1), anonymousId: "a1"),
            Track("Product Viewed", At(2), anonymousId: "a1"),
            Identify(At(3), "u1", "a1", new JsonObject { ["email"] = "ann@example.com" }));

        var profile = Assert.Single(changes.Profiles);
        Assert.All(targets, t => Assert.Same(profile, t));
        Assert.All(changes.Assignments, a => Assert.Equal(profile.Id, a.ProfileId));
        Assert.Equal([1L, 2L, 3L], changes.Assignments.Select(a => a.Sequence));
        Assert.Equal(new HashSet<Identity.ProfileIdentifier> { Anon("a1"), User("u1"), Email("ann@example.com") }, profile.Identities.ToHashSet());
        Assert.Equal(3, profile.Computed.EventCount);
        Assert.Empty(changes.Merges);
        Assert.Equal(3, changes.Position.To);
    }

    [Fact]
    public void Identify_in_a_later_batch_adds_the_user_to_the_stored_anonymous_profile()
    {
        var anonymous = Stored("p-anon", T0, Anon("a1"));

        var (changes, targets) = Run([anonymous], Identify(At(3), "u1", "a1"));

        Assert.Same(anonymous, targets[0]);
        Assert.Contains(User("u1"), anonymous.Identities);
        Assert.Equal([new IdentityLink(User("u1"), "p-anon", At(3))], changes.Links);
        Assert.Equal(2, anonymous.Computed.EventCount);
        Assert.Empty(changes.Merges);
    }

    [Fact]
    public void A_new_profile_is_named_after_the_event_that_made_it_and_folding_again_names_it_alike()
    {
        TailorEvent[] day = [Page(At(1), anonymousId: "a1"), Page(At(2), anonymousId: "a2"), Page(At(3), anonymousId: "a1")];
        var first = Run([], day);
        _sequence = 0;
        var again = Run([], day);

        Assert.Equal([ProfileIds.ForEvent(1, day[0].MessageId), ProfileIds.ForEvent(2, day[1].MessageId), ProfileIds.ForEvent(1, day[0].MessageId)], first.Targets.Select(p => p.Id));
        Assert.Equal(first.Targets.Select(p => p.Id), again.Targets.Select(p => p.Id));
    }

    [Fact]
    public void Two_profiles_tied_by_an_email_merge_with_latest_traits_and_summed_counts()
    {
        var ann = Identify(At(1), anonymousId: "a1", traits: new JsonObject { ["email"] = "ann@example.com", ["plan"] = "free", ["name"] = "Ann" });
        var other = Identify(At(2), anonymousId: "a2", traits: new JsonObject { ["plan"] = "pro" });
        var order = Track("Order Completed", At(3), anonymousId: "a2", properties: new JsonObject { ["revenue"] = 40 });
        var tie = Identify(At(4), anonymousId: "a2", traits: new JsonObject { ["email"] = " Ann@Example.com " });

        var (changes, targets) = Run([], ann, other, order, tie);

        var winner = Assert.Single(Live(changes));
        var loser = Assert.Single(changes.Profiles, p => p.MergedInto is not null);
        Assert.Equal(ProfileIds.ForEvent(1, ann.MessageId), winner.Id); // both new in this batch: the one the earlier event made survives
        Assert.Equal(winner.Id, loser.MergedInto);
        Assert.Same(winner, targets[3]);
        Assert.Equal("pro", winner.Traits["plan"].Value.GetString());
        Assert.Equal("Ann", winner.Traits["name"].Value.GetString());
        Assert.Equal(4, winner.Computed.EventCount);
        Assert.Equal(1, winner.Computed.OrderCount);
        Assert.Equal(40m, winner.Computed.TotalRevenue);
        Assert.Equal(At(1), winner.Computed.FirstSeen);
        Assert.Equal(At(4), winner.Computed.LastSeen);
        Assert.Equal(new HashSet<Identity.ProfileIdentifier> { Anon("a1"), Anon("a2"), Email("ann@example.com") }, winner.Identities.ToHashSet());
        var merge = Assert.Single(changes.Merges);
        Assert.Equal((winner.Id, loser.Id, Now, tie.MessageId), (merge.WinnerId, merge.LoserId, merge.At, merge.MessageId));
        Assert.Contains("email:ann@example.com", merge.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Stored_older_profile_wins_a_merge_over_a_newer_one()
    {
        var older = Stored("p-old", T0.AddDays(-10), Anon("a1"), Email("ann@example.com"));
        var newer = Stored("p-new", T0.AddDays(-1), Anon("a2"));

        var (changes, _) = Run([newer, older], Track("Signed In", At(1), anonymousId: "a2",
            context: new JsonObject { ["traits"] = new JsonObject { ["email"] = "ann@example.com" } }));

        Assert.Equal("p-old", Assert.Single(changes.Merges).WinnerId);
        Assert.Equal("p-old", newer.MergedInto);
        Assert.Equal(3, older.Computed.EventCount);
    }

    [Fact]
    public void Known_user_keeps_its_id_when_an_anonymous_event_ties_it_to_an_older_anonymous_profile()
    {
        var visitor = Stored("p-visitor", T0.AddDays(-10), Anon("a0"), Email("ann@example.com"));
        var known = Stored("p-known", T0.AddDays(-1), User("u1"), Anon("a1"));

        var (changes, targets) = Run([visitor, known], Track("Signed In", At(1), anonymousId: "a1",
            context: new JsonObject { ["traits"] = new JsonObject { ["email"] = "ann@example.com" } }));

        Assert.Same(known, targets[0]);
        Assert.Equal(("p-known", "p-visitor"), (Assert.Single(changes.Merges).WinnerId, changes.Merges[0].LoserId));
        Assert.Equal("p-known", visitor.MergedInto);
    }

    [Fact]
    public void Shared_device_does_not_merge_two_known_users()
    {
        var userA = Stored("p-a", T0.AddDays(-5), User("uA"), Anon("device-1"));

        var (changes, targets) = Run([userA],
            Track("Signed In", At(1), "uB", "device-1"),
            Track("Product Viewed", At(2), anonymousId: "device-1"));

        var userB = targets[0];
        Assert.NotSame(userA, userB);
        Assert.Empty(changes.Merges);
        Assert.Null(userA.MergedInto);
        Assert.Equal([User("uB")], userB.Identities);
        Assert.Equal([User("uA"), Anon("device-1")], userA.Identities);
        Assert.DoesNotContain(changes.Links, l => l.Identity == Anon("device-1"));
        Assert.Same(userA, targets[1]); // the device still belongs to the user who had it first
    }

    [Fact]
    public void Shared_device_event_of_a_known_second_user_goes_to_that_user_without_merging()
    {
        var userA = Stored("p-a", T0.AddDays(-5), User("uA"), Anon("device-1"));
        var userB = Stored("p-b", T0.AddDays(-4), User("uB"));

        var (changes, targets) = Run([userA, userB], Track("Signed In", At(1), "uB", "device-1"));

        Assert.Same(userB, targets[0]);
        Assert.Empty(changes.Merges);
        Assert.Equal(1, userA.Computed.EventCount);
        Assert.Equal(2, userB.Computed.EventCount);
    }

    [Fact]
    public void Email_shared_by_two_known_users_does_not_merge_them()
    {
        var userA = Stored("p-a", T0.AddDays(-5), User("uA"), Email("family@example.com"));

        var (changes, targets) = Run([userA], Identify(At(1), "uB", traits: new JsonObject { ["email"] = "family@example.com" }));

        Assert.NotSame(userA, targets[0]);
        Assert.Empty(changes.Merges);
        Assert.Contains(Email("family@example.com"), userA.Identities);
    }

    [Fact]
    public void Alias_merges_two_known_users_into_the_new_user_id()
    {
        var oldUser = Stored("p-old", T0.AddDays(-5), User("old-id"), Anon("a1"));
        var newUser = Stored("p-new", T0.AddDays(-1), User("new-id"));
        var alias = Alias(At(1), "new-id", "old-id");

        var (changes, targets) = Run([oldUser, newUser], alias);

        Assert.Same(newUser, targets[0]);
        Assert.Equal("p-new", oldUser.MergedInto);
        Assert.Equal(new ProfileMerge("p-new", "p-old", Now, alias.MessageId, Assert.Single(changes.Merges).Reason) { Sequence = _sequence }, changes.Merges[0]);
        Assert.Equal(new HashSet<Identity.ProfileIdentifier> { User("old-id"), User("new-id"), Anon("a1") }, newUser.Identities.ToHashSet());
        Assert.Equal(3, newUser.Computed.EventCount);
    }

    [Fact]
    public void Alias_of_an_anonymous_id_gives_the_visitor_profile_its_user_id()
    {
        var visitor = Stored("p-visitor", T0.AddDays(-1), Anon("a1"));

        var (changes, targets) = Run([visitor], Alias(At(1), "u1", "a1"));

        Assert.Same(visitor, targets[0]);
        Assert.Contains(User("u1"), visitor.Identities);
        Assert.Empty(changes.Merges);
    }

    [Fact]
    public void Merges_chain_within_one_batch_into_the_final_winner()
    {
        var known = Stored("p-known", T0.AddDays(-30), User("u9"));
        var tieEmail = new JsonObject { ["traits"] = new JsonObject { ["email"] = "x@example.com" } };

        var (changes, targets) = Run([known],
            Track("Viewed", At(1), anonymousId: "a1", context: tieEmail),
            Track("Viewed", At(2), anonymousId: "a2"),
            Track("Viewed", At(3), anonymousId: "a2", context: tieEmail.DeepClone().AsObject()), // a2's profile joins a1's
            Identify(At(4), "u9", "a1"),                                                             // a1's profile joins the known user
            Track("Viewed", At(5), anonymousId: "a2"));

        var p1 = targets[0];
        var p2 = targets[1];
        Assert.Equal(p1.Id, p2.MergedInto);
        Assert.Equal(known.Id, p1.MergedInto);
        Assert.Equal([(p1.Id, p2.Id), (known.Id, p1.Id)], changes.Merges.Select(m => (m.WinnerId, m.LoserId)));
        Assert.Single(Live(changes));
        Assert.Same(known, targets[4]);
        Assert.Equal(new HashSet<Identity.ProfileIdentifier> { User("u9"), Anon("a1"), Anon("a2"), Email("x@example.com") }, known.Identities.ToHashSet());
        Assert.Equal(1 + 5, known.Computed.EventCount);
    }

    [Fact]
    public void Identities_of_loaded_profiles_are_all_needed_for_alias_previous_ids()
    {
        var views = new[] { View(Alias(At(1), "u2", "x1")), View(Track("Viewed", At(2), "u3", "a3")) };

        var identities = IdentityResolver.IdentitiesOf(views);

        Assert.Equal(new HashSet<Identity.ProfileIdentifier> { User("u2"), User("x1"), Anon("x1"), User("u3"), Anon("a3") }, identities);
    }
}
