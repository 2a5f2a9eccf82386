using System.Text.Json.Nodes;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;
using Tailor.Core.Storage;

namespace Tailor.Core.Tests.Segments;

/// <summary>What a full recompute and a snapshot may leave out for a rule, and what they must not.</summary>
public sealed class SnapshotNarrowingTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static CandidateFilter? Candidates(string rule) => CandidateFilter.Of(RuleParser.Parse(rule), Now);

    private static SnapshotScope Scope(params string[] rules) =>
        SnapshotScopes.For(rules.Select((r, i) => ($"s{i}", RuleDependencies.Of(RuleParser.Parse(r)))), Now);

    private static HashSet<string> Paths(params string[] paths) => [.. paths];

    [Fact]
    public void A_sealed_message_is_opened_only_for_a_path_through_a_protected_key_or_one_that_reads_sealed_values_whole()
    {
        using var protection = new Tailor.Core.Privacy.PersonalDataProtection(Tailor.Core.Privacy.PrivacyKeyRing.Generate(), ["email", "name", "billing.zip"]);
        static EventScope Reading(params string[] paths) => new(null, true) { Paths = Paths(paths) };

        Assert.False(Reading("category", "product.brand", "context.sessionId").MayReadSealed(protection));
        Assert.True(Reading("category", "name").MayReadSealed(protection));
        Assert.True(Reading("product.Name").MayReadSealed(protection)); // keys are protected without regard to case
        Assert.True(Reading("billing.zip").MayReadSealed(protection)); // a field named with a dot
        Assert.True(Reading("context.traits").MayReadSealed(protection)); // the object that holds sealed traits, whole
        Assert.True(new EventScope(null, true).MayReadSealed(protection)); // no paths: any part may be read
        Assert.False(new EventScope(null, false).MayReadSealed(protection)); // no message read at all
        Assert.False(Reading("name").MayReadSealed(Tailor.Core.Privacy.PersonalDataProtection.Off)); // nothing sealed
    }

    [Fact]
    public void A_snapshot_names_every_path_its_rules_read_and_a_scope_read_whole_names_none()
    {
        // Filters, measures, every enclosing for-some value and client session ids; the union over the rules.
        var scope = Scope("for some category: performed \"Order Completed\" with product.brand = \"x\" sum of revenue >= 10",
            "for some size: for some color: performed \"Order Completed\" in last 1 days within one session",
            "performed \"Order Completed\" with name = \"Blue Shirt\"");
        Assert.Equal(Paths("category", "product.brand", "revenue", "size", "color", "context.sessionId", "properties.session_id", "name"),
            scope.Events["Order Completed"].Paths);
        // Inside a "for some", events of a since-name give candidate values too: read with the bound property.
        Assert.Equal(new EventScope(null, true) { Paths = Paths("category") },
            Scope("for some category: not performed \"Product Added\" since \"Order Completed\"").Events["Order Completed"]);
        // Explanations, journeys and content read the whole message: no paths means every path.
        Assert.Null(SnapshotScope.Full(["Order Completed"]).Events["Order Completed"].Paths);
        Assert.NotEqual(new EventScope(null, true) { Paths = Paths("a") }, new EventScope(null, true) { Paths = Paths("b") });
    }

    [Fact]
    public void A_windowed_event_rule_needs_an_event_inside_the_window()
    {
        Assert.Equal(new CandidateFilter.Performed("Order Completed", Now.AddDays(-30)), Candidates("performed \"Order Completed\" in last 30 days"));
        Assert.Equal(new CandidateFilter.Performed("Order Completed", null), Candidates("performed \"Order Completed\" sum of revenue >= 50"));
        // "since X" counts from the latest X, however old.
        Assert.Equal(new CandidateFilter.Performed("Product Added", null), Candidates("performed \"Product Added\" in last 1 days since \"Order Completed\""));
    }

    [Theory]
    [InlineData("not performed \"Order Completed\" in last 60 days")]
    [InlineData("performed \"Order Completed\" at most 2 times")]
    [InlineData("performed \"Order Completed\" sum of revenue <= 10")]
    [InlineData("trait plan = \"pro\"")]
    [InlineData("computed orderCount <= 3")]
    [InlineData("computed orderCount > -1")]
    [InlineData("has tag \"vip\" or performed \"Order Completed\"")]
    public void Rules_that_profiles_without_events_can_meet_narrow_nothing(string rule) => Assert.Null(Candidates(rule));

    [Fact]
    public void All_of_narrows_by_one_part_any_of_by_all_parts_and_computed_thresholds_by_value()
    {
        Assert.Equal(new CandidateFilter.ComputedAtLeast("engagementScore", 20), Candidates("computed engagementScore >= 20"));
        Assert.Equal(new CandidateFilter.Performed("Page Viewed", Now.AddHours(-3)), Candidates("has tag \"vip\" and performed \"Page Viewed\" in last 3 hours"));
        Assert.Equal(
            new CandidateFilter.Either(new CandidateFilter.Performed("A", null), new CandidateFilter.ComputedAtLeast("orderCount", 2)),
            Candidates("performed \"A\" or computed orderCount > 2"));
        Assert.Equal(new CandidateFilter.Performed("Product Viewed", Now.AddHours(-1)),
            Candidates("for some category: performed \"Product Viewed\" more than 2 times in last 1 hours"));
    }

    [Fact]
    public void A_snapshot_reads_each_event_from_its_longest_window_and_payloads_only_when_properties_are_read()
    {
        var scope = Scope("performed \"Order Completed\" in last 30 days", "performed \"Order Completed\" with category = \"x\" in last 7 days",
            "performed \"Page Viewed\" in last 1 hours and not performed \"Product Added\"");
        Assert.Equal(new EventScope(Now.AddDays(-30), true) { Paths = Paths("category") }, scope.Events["Order Completed"]);
        Assert.Equal(new EventScope(Now.AddHours(-1), false), scope.Events["Page Viewed"]);
        Assert.Equal(new EventScope(null, false), scope.Events["Product Added"]);
        Assert.Equal(ProfileParts.None, scope.Profile);
        Assert.Equal(["s0", "s1", "s2"], scope.TimerSegments);
    }

    [Fact]
    public void For_some_reads_its_own_events_with_properties_within_its_windows_unless_a_value_without_events_can_match()
    {
        var scope = Scope("for some category: performed \"Product Viewed\" in last 1 days", "performed \"Order Completed\" in last 30 days");
        Assert.Equal(new EventScope(Now.AddDays(-1), true) { Paths = Paths("category") }, scope.Events["Product Viewed"]);
        Assert.Equal(new EventScope(Now.AddDays(-30), false), scope.Events["Order Completed"]);
        Assert.False(scope.Timeline);

        // A category ordered long ago and not in the last week matches: the old orders must be read.
        Assert.Equal(new EventScope(null, true) { Paths = Paths("category") }, Scope("for some category: not performed \"Order Completed\" in last 7 days").Events["Order Completed"]);
    }

    [Fact]
    public void Sessions_need_the_times_of_all_events_and_the_client_session_ids_of_their_own()
    {
        var scope = Scope("performed \"Product Viewed\" at least 3 times in last 1 days within one session");
        Assert.True(scope.Timeline);
        Assert.Equal(new EventScope(Now.AddDays(-1), true) { Paths = Paths("context.sessionId", "properties.session_id") }, scope.Events["Product Viewed"]);
    }

    [Fact]
    public void Sessions_are_cut_by_gaps_between_events_of_any_name_even_when_only_some_are_loaded()
    {
        // Two views 40 minutes apart are one session because a page view 20 minutes after the first bridges the gap.
        var history = new History()
            .Track("Product Viewed", History.Minutes(50))
            .Page(History.Minutes(30), "/deals")
            .Track("Product Viewed", History.Minutes(10));
        var rule = RuleParser.Parse("performed \"Product Viewed\" at least 2 times within one session");
        Assert.True(RuleEvaluator.Evaluate(rule, history.FactsOf("Product Viewed"), History.Now).Matched);
        Assert.True(RuleEvaluator.Evaluate(rule, history.Facts(), History.Now).Matched);

        var apart = new History().Track("Product Viewed", History.Minutes(50)).Track("Product Viewed", History.Minutes(10));
        Assert.False(RuleEvaluator.Evaluate(rule, apart.FactsOf("Product Viewed"), History.Now).Matched);
    }

    [Fact]
    public void For_some_takes_its_values_from_the_events_it_counts_whatever_else_is_loaded()
    {
        // "hats" appears only on a page view: it is not a candidate for a rule about orders (were it one, "not performed"
        // would hold for it).
        var history = new History()
            .Page(History.Days(1), "/hats", new JsonObject { ["category"] = "hats" })
            .Track("Product Viewed", History.Days(2), new JsonObject { ["category"] = "shoes" })
            .Track("Order Completed", History.Days(1), new JsonObject { ["category"] = "shoes" });
        var rule = RuleParser.Parse("for some category: not performed \"Order Completed\" in last 7 days");
        Assert.False(RuleEvaluator.Evaluate(rule, history.Facts(), History.Now).Matched);
        Assert.False(RuleEvaluator.Evaluate(rule, history.FactsOf("Order Completed"), History.Now).Matched);
        Assert.True(RuleEvaluator.Evaluate(RuleParser.Parse("for some category: not performed \"Order Completed\" in last 12 hours"), history.Facts(), History.Now).Matched);
    }

    [Fact]
    public void Rules_read_only_the_parts_of_the_profile_they_name()
    {
        Assert.Equal(ProfileParts.Computed, Scope("computed orderCount >= 1").Profile);
        Assert.Equal(ProfileParts.Computed, Scope("computed totalRevenue in top 10 percent").Profile);
        Assert.Equal(ProfileParts.Consent, Scope("has consent email").Profile);
        Assert.Equal(ProfileParts.Tags, Scope("has tag \"loyal\"").Profile);
        Assert.Equal(ProfileParts.Traits, Scope("trait address.city = \"Oslo\" and performed \"Order Completed\"").Profile);
        Assert.Equal(ProfileParts.None, Scope("in segment \"A\"").Profile);
        // The union over the segments evaluated together.
        Assert.Equal(ProfileParts.Traits | ProfileParts.Computed | ProfileParts.Tags,
            Scope("trait plan = \"pro\"", "computed orderCount >= 1 or has tag \"vip\"").Profile);
        Assert.Empty(Scope("computed orderCount >= 1").TimerSegments);
    }
}
