using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Core.Tests.Profiles;

public sealed class ProfileReducerTests
{
    private readonly List<TraitChange> _history = [];

    private static Profile NewProfile() => new() { Id = "p1", CreatedAt = T0.AddDays(-1), UpdatedAt = T0.AddDays(-1) };

    private Profile Fold(params TailorEvent[] events) => Fold(new ProfileReducer(EngagementWeights.Default), events);

    private Profile Fold(ProfileReducer reducer, params TailorEvent[] events)
    {
        var profile = NewProfile();
        for (var i = 0; i < events.Length; i++) reducer.Apply(profile, View(events[i], i + 1), _history);
        return profile;
    }

    [Fact]
    public void A_profile_keeps_its_trait_values_apart_from_the_payload_that_set_them()
    {
        // The pipeline's working set keeps profiles for a long time; a trait value pointing into its event's parsed
        // payload kept the whole payload alive with it.
        var profile = NewProfile();
        var payload = FoldAndForget(profile, Identify(At(1), "u1",
            traits: new JsonObject { ["plan"] = "pro", ["email"] = "ann@example.com", ["name"] = "Ann", ["age"] = 41, ["padding"] = new string('p', 20_000) },
            context: new JsonObject { ["page"] = new JsonObject { ["url"] = "https://shop.example/" + new string('x', 2000) } }));
        FoldAndForget(profile, Identify(At(2), "u1", traits: new JsonObject { ["plan"] = "pro", ["name"] = "Ann B" }));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(payload.IsAlive, "the first event's parsed payload is still reachable from the profile");
        Assert.False(profile.Traits.ContainsKey("padding")); // refused by the trait cap, and not kept alive either
        Assert.Equal("pro", profile.Traits["plan"].Value.GetString());
        Assert.Equal(At(2), profile.Traits["plan"].At); // said again: kept, with the later time
        Assert.Equal("ann@example.com", profile.Traits["email"].Value.GetString());
        Assert.Equal("Ann B", profile.Traits["name"].Value.GetString());
        Assert.Equal(41, profile.Traits["age"].Value.GetInt32());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference FoldAndForget(Profile profile, TailorEvent e)
    {
        var document = JsonDocument.Parse(e.Payload);
        new ProfileReducer(EngagementWeights.Default) { Limits = new ProfileLimits { MaxTraitBytes = 4096 } }
            .Apply(profile, new EventView(new LoggedEvent(1, e), document.RootElement), []);
        return new WeakReference(document);
    }

    [Fact]
    public void First_and_last_seen_follow_event_time_not_arrival_order()
    {
        var profile = Fold(
            Track("A", At(10), "u1"),
            Track("B", At(-5), "u1"),
            Track("C", At(3), "u1"));

        Assert.Equal(At(-5), profile.Computed.FirstSeen);
        Assert.Equal(At(10), profile.Computed.LastSeen);
        Assert.Equal(T0.AddDays(-1), profile.UpdatedAt); // the reducer leaves UpdatedAt to the batch: it is processing time
    }

    [Fact]
    public void Events_are_counted_in_total_and_by_name_with_page_calls_as_Page_Viewed()
    {
        var profile = Fold(
            Track("Product Viewed", At(1), "u1"),
            Track("Product Viewed", At(2), "u1"),
            Page(At(3), "u1", name: "Pricing"),
            Identify(At(4), "u1"));

        Assert.Equal(4, profile.Computed.EventCount);
        Assert.Equal(new Dictionary<string, long> { ["Product Viewed"] = 2, ["Page Viewed"] = 1, ["Identify"] = 1 },
            profile.Computed.EventCounts);
    }

    [Fact]
    public void Orders_sum_revenue_else_total_and_track_average_and_last_order()
    {
        var profile = Fold(
            Track("Order Completed", At(1), "u1", properties: new JsonObject { ["revenue"] = 100.5m, ["total"] = 999 }),
            Track("Order Completed", At(30), "u1", properties: new JsonObject { ["total"] = 50 }),
            Track("Order Completed", At(20), "u1", properties: new JsonObject { ["revenue"] = "19.50" }),
            Track("Order Completed", At(5), "u1", properties: new JsonObject { ["currency"] = "EUR" }),
            Track("Checkout Started", At(40), "u1", properties: new JsonObject { ["revenue"] = 1000 }));

        var c = profile.Computed;
        Assert.Equal(4, c.OrderCount);
        Assert.Equal(170m, c.TotalRevenue);
        Assert.Equal(42.5m, c.AverageOrderValue);
        Assert.Equal(At(30), c.LastOrderAt);
    }

    [Fact]
    public void An_absurd_order_value_counts_the_order_but_not_its_revenue_so_sums_never_overflow()
    {
        var profile = Fold(
            Track("Order Completed", At(1), "u1", properties: new JsonObject { ["revenue"] = 79228162514264337593543950335m }),
            Track("Order Completed", At(2), "u1", properties: new JsonObject { ["revenue"] = 79228162514264337593543950335m }),
            Track("Order Completed", At(3), "u1", properties: new JsonObject { ["revenue"] = 12.5m }));

        Assert.Equal(3, profile.Computed.OrderCount);
        Assert.Equal(12.5m, profile.Computed.TotalRevenue);
    }

    [Fact]
    public void Average_order_value_is_rounded_to_cents_and_zero_without_orders()
    {
        Assert.Equal(0m, Fold(Track("Signed Up", At(0), "u1")).Computed.AverageOrderValue);

        var profile = Fold(
            Track("Order Completed", At(1), "u1", properties: new JsonObject { ["revenue"] = 10 }),
            Track("Order Completed", At(2), "u1", properties: new JsonObject { ["revenue"] = 10 }),
            Track("Order Completed", At(3), "u1", properties: new JsonObject { ["revenue"] = 10 }));
        Assert.Equal(30m, profile.Computed.TotalRevenue);
        Assert.Equal(10m, profile.Computed.AverageOrderValue);

        var uneven = Fold(
            Track("Order Completed", At(1), "u1", properties: new JsonObject { ["revenue"] = 10 }),
            Track("Order Completed", At(2), "u1", properties: new JsonObject { ["revenue"] = 0 }),
            Track("Order Completed", At(3), "u1", properties: new JsonObject { ["revenue"] = 0 }));
        Assert.Equal(3.33m, uneven.Computed.AverageOrderValue);
    }

    [Fact]
    public void Engagement_score_uses_the_default_weights()
    {
        var profile = Fold(
            Track("Email Opened", At(1), "u1"),
            Track("Email Link Clicked", At(2), "u1"),
            Page(At(3), "u1"),
            Track("Page Viewed", At(4), "u1"),
            Track("Order Completed", At(5), "u1"),
            Track("Signed Up", At(6), "u1"));

        Assert.Equal(1 + 2 + 1 + 1 + 5, profile.Computed.EngagementScore);
    }

    [Fact]
    public void Engagement_score_uses_custom_weights_when_configured()
    {
        var weights = new EngagementWeights { Weights = new(StringComparer.Ordinal) { ["Signed Up"] = 10, ["Email Opened"] = 0.5 } };

        var profile = Fold(new ProfileReducer(weights),
            Track("Signed Up", At(1), "u1"),
            Track("Email Opened", At(2), "u1"),
            Track("Email Opened", At(3), "u1"),
            Page(At(4), "u1"),
            Track("Order Completed", At(5), "u1"));

        Assert.Equal(11, profile.Computed.EngagementScore);
    }

    [Fact]
    public void Trait_takes_the_value_with_the_latest_timestamp_even_when_an_older_identify_arrives_later()
    {
        var profile = Fold(
            Identify(At(1), "u1", traits: new JsonObject { ["plan"] = "free", ["name"] = "Ann" }),
            Identify(At(10), "u1", traits: new JsonObject { ["plan"] = "pro" }),
            Identify(At(5), "u1", traits: new JsonObject { ["plan"] = "basic", ["city"] = "Oslo" }));

        Assert.Equal("pro", profile.Traits["plan"].Value.GetString());
        Assert.Equal(At(10), profile.Traits["plan"].At);
        Assert.Equal("Ann", profile.Traits["name"].Value.GetString());
        Assert.Equal("Oslo", profile.Traits["city"].Value.GetString());
    }

    [Fact]
    public void Every_trait_change_is_recorded_in_history_with_time_source_and_message()
    {
        var first = Identify(At(1), "u1", traits: new JsonObject { ["plan"] = "free" });
        var second = Identify(At(10), "u1", traits: new JsonObject { ["plan"] = "pro", ["seats"] = 3 });
        var late = Identify(At(5), "u1", traits: new JsonObject { ["plan"] = "basic" });
        Fold(first, second, late);

        Assert.Equal(
            [("plan", "\"free\"", At(1), first.MessageId), ("plan", "\"pro\"", At(10), second.MessageId),
             ("seats", "3", At(10), second.MessageId), ("plan", "\"basic\"", At(5), late.MessageId)],
            _history.Select(h => (h.Name, h.Value.GetRawText(), h.At, h.MessageId)));
        Assert.All(_history, h => Assert.Equal(("p1", SourceId), (h.ProfileId, h.Source)));
    }

    [Fact]
    public void A_trait_said_again_unchanged_is_not_recorded_but_becomes_as_recent_as_the_event()
    {
        var first = Identify(At(1), "u1", traits: new JsonObject { ["plan"] = "free", ["seats"] = 3 });
        var again = Identify(At(10), "u1", traits: new JsonObject { ["plan"] = "free", ["seats"] = 3.0m });
        var late = Identify(At(5), "u1", traits: new JsonObject { ["plan"] = "basic" });
        var lateSame = Identify(At(0), "u1", traits: new JsonObject { ["seats"] = 3 });
        var profile = Fold(first, again, late, lateSame);

        // "free" said again at 10 outranks "basic" from 5 arriving late, as if the second identify had been recorded.
        Assert.Equal(("\"free\"", At(10)), (profile.Traits["plan"].Value.GetRawText(), profile.Traits["plan"].At));
        Assert.Equal(At(10), profile.Traits["seats"].At);
        // An equal value from before the one known, arriving late, is recorded: it says since when the trait held it.
        Assert.Equal(
            [("plan", "\"free\"", At(1), first.MessageId), ("seats", "3", At(1), first.MessageId), ("plan", "\"basic\"", At(5), late.MessageId),
             ("seats", "3", At(0), lateSame.MessageId)],
            _history.Select(h => (h.Name, h.Value.GetRawText(), h.At, h.MessageId)));
    }

    [Fact]
    public void Context_traits_of_a_track_event_set_traits()
    {
        var profile = Fold(Track("Signed Up", At(1), "u1", context: new JsonObject { ["traits"] = new JsonObject { ["email"] = "ann@example.com" } }));

        Assert.Equal("ann@example.com", profile.Traits["email"].Value.GetString());
    }

    [Fact]
    public void Consent_from_category_preferences_records_when_and_where()
    {
        var profile = Fold(Track("Consent Given", At(2), "u1", context: new JsonObject
        {
            ["page"] = new JsonObject { ["url"] = "https://shop.example/privacy" },
            ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["Analytics"] = true, ["email"] = false, ["ads"] = "yes" } },
        }));

        Assert.Equal(new Dictionary<string, ConsentRecord>
        {
            ["analytics"] = new(true, At(2), SourceId, "https://shop.example/privacy"),
            ["email"] = new(false, At(2), SourceId, "https://shop.example/privacy"),
        }, profile.Consent);
        Assert.True(profile.HasConsent(ConsentPurposes.Analytics));
        Assert.False(profile.HasConsent(ConsentPurposes.Email));
        Assert.False(profile.HasConsent(ConsentPurposes.Sms));
    }

    [Fact]
    public void Consent_from_identify_traits_is_kept_apart_from_traits()
    {
        var profile = Fold(Identify(At(3), "u1",
            traits: new JsonObject { ["consent"] = new JsonObject { ["email"] = true }, ["plan"] = "pro" },
            context: new JsonObject { ["ip"] = "203.0.113.9" }));

        Assert.Equal(new ConsentRecord(true, At(3), SourceId, "203.0.113.9"), profile.Consent["email"]);
        Assert.False(profile.Traits.ContainsKey("consent"));
        Assert.DoesNotContain(_history, h => h.Name == "consent");
        Assert.True(profile.Traits.ContainsKey("plan"));
    }

    [Fact]
    public void Older_consent_answer_does_not_override_a_newer_one()
    {
        var profile = Fold(
            Identify(At(10), "u1", traits: new JsonObject { ["consent"] = new JsonObject { ["email"] = false } },
                context: new JsonObject { ["app"] = new JsonObject { ["name"] = "Shop iOS" } }),
            Identify(At(5), "u1", traits: new JsonObject { ["consent"] = new JsonObject { ["email"] = true } }));

        Assert.Equal(new ConsentRecord(false, At(10), SourceId, "Shop iOS"), profile.Consent["email"]);
    }

    [Fact]
    public void Consent_changed_through_Tailor_replaces_an_event_sourced_answer_dated_in_the_future()
    {
        var unsubscribe = Track("Consent Updated", At(20), "u1", context: new JsonObject
        {
            ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["email"] = false } },
        }) with { SourceId = ConsentAuthority.Source };

        var profile = Fold(
            Identify(new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero), "u1", traits: new JsonObject { ["consent"] = new JsonObject { ["email"] = true } }),
            unsubscribe);

        Assert.Equal(new ConsentRecord(false, At(20), ConsentAuthority.Source, null), profile.Consent["email"]);
    }

    [Fact]
    public void Event_sourced_consent_older_than_an_authoritative_answer_does_not_override_it_but_a_newer_one_does()
    {
        var apiAnswer = Track("Consent Updated", At(20), "u1", context: new JsonObject
        {
            ["consent"] = new JsonObject { ["categoryPreferences"] = new JsonObject { ["email"] = false } },
        }) with { SourceId = ConsentAuthority.Source };
        var consent = (bool granted) => new JsonObject { ["consent"] = new JsonObject { ["email"] = granted } };

        var late = Fold(apiAnswer, Identify(At(15), "u1", traits: consent(true)));
        var optInAgain = Fold(apiAnswer, Identify(At(25), "u1", traits: consent(true)));

        Assert.False(late.Consent["email"].Granted);
        Assert.True(optInAgain.Consent["email"].Granted);
    }

    [Fact]
    public void Tags_are_added_normalised_and_removed_with_their_children()
    {
        var profile = Fold(
            TagsUpdated(At(1), "u1", add: ["loyal/high-value", " vip//gold ", "loyalty", "  "]),
            TagsUpdated(At(2), "u1", add: ["loyal"]),
            TagsUpdated(At(3), "u1", remove: ["loyal"]));

        Assert.Equal(["loyalty", "vip/gold"], profile.Tags);
    }

    [Fact]
    public void Removing_a_child_tag_keeps_its_parent_and_siblings()
    {
        var profile = Fold(
            TagsUpdated(At(1), "u1", add: ["loyal", "loyal/high-value", "loyal/new"]),
            TagsUpdated(At(2), "u1", remove: ["loyal/high-value"]));

        Assert.Equal(["loyal", "loyal/new"], profile.Tags);
        Assert.True(Tags.HasTag(profile.Tags, "loyal"));
    }

    [Fact]
    public void Tags_come_only_from_a_Tags_Updated_track_event()
    {
        var profile = Fold(Identify(At(1), "u1", traits: new JsonObject { ["add"] = new JsonArray("x") }));

        Assert.Empty(profile.Tags);
    }
}
