using System.Text.Json.Nodes;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;
using static Tailor.Core.Tests.Segments.History;

namespace Tailor.Core.Tests.Segments;

public sealed class RuleEvaluatorTests
{
    private static Core.Segments.Evaluation.Evaluation Evaluate(string rule, History history, DateTimeOffset? at = null, IReadOnlySet<string>? segments = null, IPopulationStats? stats = null) =>
        RuleEvaluator.Evaluate(RuleParser.Parse(rule), history.Facts(segments, stats), at ?? Now);

    private static bool Matches(string rule, History history, DateTimeOffset? at = null, IReadOnlySet<string>? segments = null, IPopulationStats? stats = null) =>
        Evaluate(rule, history, at, segments, stats).Matched;

    private static JsonObject Props(string key, string value) => new() { [key] = value };

    private sealed class TopThresholds(decimal threshold) : IPopulationStats
    {
        public List<(string Name, decimal Percent)> Asked { get; } = [];

        public decimal? TopThreshold(string name, decimal percent)
        {
            Asked.Add((name, percent));
            return threshold;
        }
    }

    // Recent Buyers: the 30-day window, its edges and its next-change time.

    [Fact]
    public void Recent_buyer_with_an_order_29_days_23_hours_59_minutes_57_seconds_ago_matches_until_3_seconds_from_now()
    {
        var history = new History().Track("Order Completed", Days(30) - TimeSpan.FromSeconds(3));

        var now = Evaluate(SegmentExamples.RecentBuyers, history);

        Assert.True(now.Matched);
        Assert.Equal(Now.AddSeconds(3), now.NextChange);
        Assert.True(Matches(SegmentExamples.RecentBuyers, history, Now.AddSeconds(3).AddTicks(-1)));
        var then = Evaluate(SegmentExamples.RecentBuyers, history, now.NextChange);
        Assert.False(then.Matched);
        Assert.Null(then.NextChange);
    }

    [Fact]
    public void Order_31_days_ago_never_makes_a_recent_buyer()
    {
        var history = new History().Track("Order Completed", Days(31));

        var result = Evaluate(SegmentExamples.RecentBuyers, history);

        Assert.False(result.Matched);
        Assert.Null(result.NextChange);
    }

    [Fact]
    public void Order_exactly_30_days_ago_is_outside_the_half_open_window()
    {
        Assert.False(Matches(SegmentExamples.RecentBuyers, new History().Track("Order Completed", Days(30))));
        Assert.True(Matches(SegmentExamples.RecentBuyers, new History().Track("Order Completed", Days(30) - TimeSpan.FromTicks(1))));
    }

    [Fact]
    public void Other_events_do_not_make_a_recent_buyer()
    {
        var history = new History().Track("Checkout Started", Days(1)).Track("Order Refunded", Days(2));

        Assert.False(Matches(SegmentExamples.RecentBuyers, history));
    }

    [Fact]
    public void Next_change_is_when_the_oldest_order_in_the_window_leaves_it()
    {
        var history = new History().Track("Order Completed", Days(10)).Track("Order Completed", Days(25));

        Assert.Equal(Now.AddDays(5), Evaluate(SegmentExamples.RecentBuyers, history).NextChange);
    }

    [Fact]
    public void An_order_stamped_in_the_future_counts_from_its_own_time()
    {
        var history = new History().Track("Order Completed", -Minutes(5));

        var result = Evaluate(SegmentExamples.RecentBuyers, history);

        Assert.False(result.Matched);
        Assert.Equal(Now.AddMinutes(5), result.NextChange);
        Assert.True(Matches(SegmentExamples.RecentBuyers, history, Now.AddMinutes(5)));
    }

    // Lapsed Customers

    [Fact]
    public void Customer_whose_last_order_was_61_days_ago_is_lapsed()
    {
        Assert.True(Matches(SegmentExamples.LapsedCustomers, new History().Track("Order Completed", Days(61))));
    }

    [Fact]
    public void Customer_who_ordered_59_days_ago_becomes_lapsed_when_that_order_is_60_days_old()
    {
        var history = new History().Track("Order Completed", Days(200)).Track("Order Completed", Days(59));

        var result = Evaluate(SegmentExamples.LapsedCustomers, history);

        Assert.False(result.Matched);
        Assert.Equal(Now.AddDays(1), result.NextChange);
        Assert.True(Matches(SegmentExamples.LapsedCustomers, history, result.NextChange));
    }

    [Fact]
    public void Someone_who_never_ordered_is_not_a_lapsed_customer()
    {
        Assert.False(Matches(SegmentExamples.LapsedCustomers, new History().Track("Product Viewed", Days(90))));
    }

    // Electronics buyers, urban, email-preferring

    private static History UrbanEmailCustomer(string category, TimeSpan orderedAgo, string locationType = "urban", string channel = "email") =>
        new History()
            .Identify(Days(100), new JsonObject { ["location_type"] = locationType, ["preferred_channel"] = channel })
            .Track("Order Completed", orderedAgo, Props("category", category));

    [Fact]
    public void Urban_email_preferring_customer_who_bought_electronics_this_month_matches()
    {
        Assert.True(Matches(SegmentExamples.ElectronicsBuyersUrbanEmailPreferring, UrbanEmailCustomer("electronics", Days(3))));
    }

    [Theory]
    [InlineData("books", 3, "urban", "email")]
    [InlineData("Electronics", 3, "urban", "email")] // string equality is case-sensitive
    [InlineData("electronics", 31, "urban", "email")]
    [InlineData("electronics", 3, "rural", "email")]
    [InlineData("electronics", 3, "urban", "sms")]
    public void Electronics_segment_needs_every_condition(string category, int daysAgo, string locationType, string channel)
    {
        Assert.False(Matches(SegmentExamples.ElectronicsBuyersUrbanEmailPreferring, UrbanEmailCustomer(category, Days(daysAgo), locationType, channel)));
    }

    [Fact]
    public void Explanation_names_the_condition_that_failed()
    {
        var facts = UrbanEmailCustomer("electronics", Days(3), channel: "sms").Facts();

        var why = RuleEvaluator.Explain(RuleParser.Parse(SegmentExamples.ElectronicsBuyersUrbanEmailPreferring), facts, Now);

        Assert.False(why.Matched);
        Assert.Equal("all of", why.Condition);
        Assert.Equal([true, true, false], why.Because.Select(b => b.Matched));
        var failed = why.Because[2];
        Assert.Equal("""trait preferred_channel = "email" """.Trim(), failed.Condition);
        Assert.Equal("""the trait is "sms" """.Trim(), failed.Detail);
        Assert.Equal("count is 1 over 1 matching event", why.Because[0].Detail);
    }

    [Fact]
    public void Explanation_of_a_missing_trait_says_it_is_not_set()
    {
        var why = RuleEvaluator.Explain(RuleParser.Parse("""trait plan = "pro" """), new History().Track("Signed Up", Days(1)).Facts(), Now);

        Assert.False(why.Matched);
        Assert.Equal("the trait is not set", why.Detail);
        Assert.Empty(why.Because);
    }

    // Browsing Enthusiasts: sessions

    private static JsonObject Viewed(string category, string? sessionId = null)
    {
        var p = Props("category", category);
        if (sessionId is not null) p["session_id"] = sessionId;
        return p;
    }

    [Fact]
    public void Three_views_of_one_category_within_30_minute_gaps_are_one_session()
    {
        var history = new History()
            .Track("Product Viewed", Minutes(70), Viewed("shoes"))
            .Track("Product Viewed", Minutes(45), Viewed("shoes"))
            .Track("Product Viewed", Minutes(20), Viewed("shoes"));

        Assert.True(Matches(SegmentExamples.BrowsingEnthusiasts, history));
    }

    [Fact]
    public void A_gap_of_more_than_30_minutes_starts_a_new_session()
    {
        var history = new History()
            .Track("Product Viewed", Minutes(100), Viewed("shoes"))
            .Track("Product Viewed", Minutes(90), Viewed("shoes"))
            .Track("Product Viewed", Minutes(59), Viewed("shoes")); // 31 minutes after the previous view

        Assert.False(Matches(SegmentExamples.BrowsingEnthusiasts, history));
    }

    [Fact]
    public void A_gap_of_exactly_30_minutes_stays_in_the_session()
    {
        var history = new History()
            .Track("Product Viewed", Minutes(60), Viewed("shoes"))
            .Track("Product Viewed", Minutes(30), Viewed("shoes"))
            .Track("Product Viewed", Minutes(0), Viewed("shoes"));

        Assert.True(Matches(SegmentExamples.BrowsingEnthusiasts, history));
    }

    [Fact]
    public void Client_session_id_groups_views_hours_apart_and_separates_views_minutes_apart()
    {
        var oneSessionHoursApart = new History()
            .Track("Product Viewed", Hours(5), Viewed("shoes", "s1"))
            .Track("Product Viewed", Hours(3), Viewed("shoes", "s1"))
            .Track("Product Viewed", Hours(1), Viewed("shoes", "s1"));
        var twoSessionsMinutesApart = new History()
            .Track("Product Viewed", Minutes(3), Viewed("shoes", "s1"))
            .Track("Product Viewed", Minutes(2), Viewed("shoes", "s2"))
            .Track("Product Viewed", Minutes(1), Viewed("shoes", "s1"));

        Assert.True(Matches(SegmentExamples.BrowsingEnthusiasts, oneSessionHoursApart));
        Assert.False(Matches(SegmentExamples.BrowsingEnthusiasts, twoSessionsMinutesApart));
    }

    [Fact]
    public void Context_session_id_is_read_like_the_session_id_property()
    {
        var history = new History();
        foreach (var hours in new[] { 9, 6, 2 })
            history.Track("Product Viewed", Hours(hours), Viewed("shoes"), new JsonObject { ["sessionId"] = "abc" });

        Assert.True(Matches(SegmentExamples.BrowsingEnthusiasts, history));
    }

    [Fact]
    public void Three_views_in_one_session_across_categories_are_not_enough()
    {
        var history = new History()
            .Track("Product Viewed", Minutes(3), Viewed("shoes"))
            .Track("Product Viewed", Minutes(2), Viewed("hats"))
            .Track("Product Viewed", Minutes(1), Viewed("shoes"));

        Assert.False(Matches(SegmentExamples.BrowsingEnthusiasts, history));
    }

    // Potentially Interested

    [Fact]
    public void Viewer_of_the_product_page_in_the_last_24_hours_is_potentially_interested()
    {
        Assert.True(Matches(SegmentExamples.PotentiallyInterested, new History().Page(Hours(23), "/products/a")));
    }

    [Fact]
    public void Page_path_is_also_read_from_the_page_context()
    {
        var history = new History().Page(Hours(2), "/ignored");
        var contextOnly = new History();
        contextOnly.Track("Page Viewed", Hours(2), context: new JsonObject { ["page"] = new JsonObject { ["path"] = "/products/a" } });

        Assert.False(Matches(SegmentExamples.PotentiallyInterested, history));
        Assert.True(Matches(SegmentExamples.PotentiallyInterested, contextOnly));
    }

    [Theory]
    [InlineData("/products/a", 25)]
    [InlineData("/products/b", 1)]
    [InlineData("/products/a/reviews", 1)]
    public void Other_pages_or_older_views_are_not_potentially_interested(string path, int hoursAgo)
    {
        Assert.False(Matches(SegmentExamples.PotentiallyInterested, new History().Page(Hours(hoursAgo), path)));
    }

    // Abandoned Cart – NY: since

    private static History NewYorker() => new History().Identify(Days(40), new JsonObject { ["address"] = new JsonObject { ["city"] = "New York" } });

    [Fact]
    public void New_yorker_who_added_to_cart_and_never_ordered_has_an_abandoned_cart()
    {
        var history = NewYorker().Track("Product Added", Hours(3));

        var result = Evaluate(SegmentExamples.AbandonedCartNewYork, history);

        Assert.True(result.Matched);
        Assert.Equal(Now.AddHours(21), result.NextChange);
    }

    [Fact]
    public void An_order_after_the_latest_product_added_clears_the_cart()
    {
        var history = NewYorker().Track("Product Added", Hours(3)).Track("Order Completed", Hours(2));

        Assert.False(Matches(SegmentExamples.AbandonedCartNewYork, history));
    }

    [Fact]
    public void An_order_before_the_latest_product_added_leaves_the_cart_abandoned()
    {
        var history = NewYorker()
            .Track("Product Added", Hours(5))
            .Track("Order Completed", Hours(4))
            .Track("Product Added", Hours(1));

        Assert.True(Matches(SegmentExamples.AbandonedCartNewYork, history));
    }

    [Fact]
    public void City_from_the_event_context_location_counts_when_no_trait_says_it()
    {
        var history = new History().Track("Product Added", Hours(1),
            context: new JsonObject { ["location"] = new JsonObject { ["city"] = "New York", ["country"] = "US" } });

        Assert.True(Matches(SegmentExamples.AbandonedCartNewYork, history));
    }

    [Fact]
    public void Cart_outside_New_York_or_older_than_24_hours_is_not_an_abandoned_ny_cart()
    {
        var boston = new History()
            .Identify(Days(40), new JsonObject { ["address"] = new JsonObject { ["city"] = "Boston" } })
            .Track("Product Added", Hours(1));
        var old = NewYorker().Track("Product Added", Hours(25));

        Assert.False(Matches(SegmentExamples.AbandonedCartNewYork, boston));
        Assert.False(Matches(SegmentExamples.AbandonedCartNewYork, old));
    }

    [Fact]
    public void Since_an_event_that_never_happened_counts_every_event()
    {
        var history = new History().Track("Product Added", Days(3));

        Assert.True(Matches("""performed "Product Added" since "Order Completed" """, history));
        Assert.False(Matches("""performed "Product Added" since "Order Completed" """, history.Track("Order Completed", Days(1))));
    }

    // Engaged and High-Value: computed traits and population statistics

    [Fact]
    public void Four_orders_make_an_engagement_score_of_20_and_three_do_not()
    {
        var four = new History();
        var three = new History();
        for (var i = 1; i <= 4; i++) four.Track("Order Completed", Days(i));
        for (var i = 1; i <= 3; i++) three.Track("Order Completed", Days(i));

        Assert.True(Matches(SegmentExamples.Engaged, four));
        Assert.False(Matches(SegmentExamples.Engaged, three));
    }

    [Fact]
    public void Revenue_of_1000_makes_a_high_value_customer_without_statistics()
    {
        var history = new History()
            .Track("Order Completed", Days(100), new JsonObject { ["revenue"] = 600 })
            .Track("Order Completed", Days(10), new JsonObject { ["revenue"] = 400 });

        Assert.True(Matches(SegmentExamples.HighValue, history));
    }

    [Fact]
    public void Customer_in_the_top_10_percent_by_revenue_is_high_value()
    {
        var stats = new TopThresholds(250);
        var history = new History().Track("Order Completed", Days(10), new JsonObject { ["revenue"] = 300 });

        Assert.True(Matches(SegmentExamples.HighValue, history, stats: stats));
        Assert.Contains(("totalRevenue", 10m), stats.Asked);
        Assert.False(Matches(SegmentExamples.HighValue, new History().Track("Order Completed", Days(10), new JsonObject { ["revenue"] = 200 }), stats: stats));
    }

    [Fact]
    public void Top_percent_is_false_without_statistics_and_for_zero_revenue()
    {
        var noRevenue = new History().Track("Signed Up", Days(1));

        Assert.False(Matches("computed totalRevenue in top 10 percent", new History().Track("Order Completed", Days(1), new JsonObject { ["revenue"] = 500 })));
        Assert.False(Matches("computed totalRevenue in top 10 percent", noRevenue, stats: new TopThresholds(0)));
    }

    // Relating two events: for some

    private static JsonObject Category(string category) => Props("category", category);

    [Fact]
    public void Three_page_views_of_one_category_in_the_last_hour_match_and_leave_when_the_first_is_an_hour_old()
    {
        var history = new History()
            .Page(Minutes(50), "/c/shoes/1", Category("shoes"))
            .Page(Minutes(30), "/c/shoes/2", Category("shoes"))
            .Page(Minutes(10), "/c/shoes/3", Category("shoes"));

        var result = Evaluate(SegmentExamples.CategoryPageViewsInOneHour, history);

        Assert.True(result.Matched);
        Assert.Equal(Now.AddMinutes(10), result.NextChange);
        Assert.False(Matches(SegmentExamples.CategoryPageViewsInOneHour, history, result.NextChange));
    }

    [Fact]
    public void Page_views_spread_over_categories_do_not_count_for_one_category()
    {
        var history = new History()
            .Page(Minutes(50), "/c/shoes/1", Category("shoes"))
            .Page(Minutes(30), "/c/hats/1", Category("hats"))
            .Page(Minutes(10), "/c/shoes/2", Category("shoes"));

        Assert.False(Matches(SegmentExamples.CategoryPageViewsInOneHour, history));
    }

    [Fact]
    public void Four_views_and_a_purchase_in_the_same_category_match()
    {
        var history = new History().Track("Order Completed", Days(20), Category("shoes"));
        for (var i = 1; i <= 4; i++) history.Track("Product Viewed", Hours(i), Category("shoes"));

        Assert.True(Matches(SegmentExamples.ViewedAndBoughtSameCategory, history));
    }

    [Fact]
    public void Views_in_one_category_and_a_purchase_in_another_do_not_match()
    {
        var history = new History().Track("Order Completed", Days(20), Category("hats"));
        for (var i = 1; i <= 4; i++) history.Track("Product Viewed", Hours(i), Category("shoes"));

        Assert.False(Matches(SegmentExamples.ViewedAndBoughtSameCategory, history));
        // Without relating the two events, the same history matches:
        Assert.True(Matches("""performed "Product Viewed" more than 3 times and performed "Order Completed" """, history));
    }

    [Fact]
    public void For_some_explanation_shows_the_value_that_matched()
    {
        var history = new History().Track("Order Completed", Days(20), Category("shoes")).Track("Order Completed", Days(20), Category("hats"));
        for (var i = 1; i <= 4; i++) history.Track("Product Viewed", Hours(i), Category("shoes"));

        var why = RuleEvaluator.Explain(RuleParser.Parse(SegmentExamples.ViewedAndBoughtSameCategory), history.Facts(), Now);

        Assert.True(why.Matched);
        Assert.Equal("for some category", why.Condition);
        Assert.Contains("2 values tried", why.Detail, StringComparison.Ordinal);
        var all = Assert.Single(why.Because);
        Assert.All(all.Because, b => Assert.EndsWith("(with category = \"shoes\")", b.Detail, StringComparison.Ordinal));
    }

    [Fact]
    public void For_some_treats_one_value_spelled_two_ways_in_JSON_as_one_value()
    {
        var history = new History()
            .Track("Product Viewed", Hours(1), new JsonObject { ["size"] = 42 })
            .Track("Product Viewed", Hours(2), new JsonObject { ["size"] = 42.0m });

        Assert.True(Matches("""for some size: performed "Product Viewed" at least 2 times""", history));
    }

    [Fact]
    public void Nested_for_some_keeps_both_values()
    {
        var history = new History()
            .Track("Product Viewed", Hours(1), new JsonObject { ["category"] = "shoes", ["brand"] = "acme" })
            .Track("Product Viewed", Hours(2), new JsonObject { ["category"] = "hats", ["brand"] = "acme" });
        const string rule = """for some category: for some brand: performed "Product Viewed" at least 2 times""";

        Assert.False(Matches(rule, history));
        Assert.True(Matches(rule, history.Track("Product Viewed", Hours(3), new JsonObject { ["category"] = "hats", ["brand"] = "acme" })));
    }

    // Lifecycle stages

    [Fact]
    public void Recent_subscriber_without_orders_is_a_new_subscriber_until_they_order()
    {
        var history = new History().Track("Newsletter Subscribed", Days(2));

        Assert.True(Matches(SegmentExamples.NewSubscriber, history));
        Assert.False(Matches(SegmentExamples.NewSubscriber, history.Track("Order Completed", Days(1))));
        Assert.False(Matches(SegmentExamples.NewSubscriber, new History().Track("Newsletter Subscribed", Days(45))));
    }

    [Fact]
    public void Two_orders_in_90_days_make_an_active_buyer_one_does_not()
    {
        var one = new History().Track("Order Completed", Days(80)).Track("Order Completed", Days(100));
        var two = new History().Track("Order Completed", Days(80)).Track("Order Completed", Days(5));

        Assert.False(Matches(SegmentExamples.ActiveBuyer, one));
        var result = Evaluate(SegmentExamples.ActiveBuyer, two);
        Assert.True(result.Matched);
        Assert.Equal(Now.AddDays(10), result.NextChange);
    }

    [Fact]
    public void Customer_without_an_order_in_90_days_is_a_lapsed_customer_stage()
    {
        Assert.True(Matches(SegmentExamples.LapsedCustomer, new History().Track("Order Completed", Days(91))));
        Assert.False(Matches(SegmentExamples.LapsedCustomer, new History().Track("Order Completed", Days(89))));
        Assert.False(Matches(SegmentExamples.LapsedCustomer, new History().Track("Product Viewed", Days(200))));
    }

    // Segments, consent and tags

    [Theory]
    [InlineData(new[] { "Recent Buyers" }, true)]
    [InlineData(new[] { "Recent Buyers", "Churned" }, false)]
    [InlineData(new[] { "Recent Buyers", "Lapsed Customers" }, false)]
    [InlineData(new[] { "Lapsed Customers" }, false)]
    [InlineData(new string[0], false)]
    public void Segment_membership_combines_with_and_or_not(string[] memberOf, bool expected)
    {
        Assert.Equal(expected, Matches(SegmentExamples.SegmentMembership, new History(), segments: memberOf.ToHashSet()));
    }

    [Fact]
    public void Consent_counts_only_when_given_and_not_withdrawn()
    {
        static History Consent(params bool[] answers)
        {
            var history = new History();
            for (var i = 0; i < answers.Length; i++)
                history.Identify(Days(answers.Length - i), new JsonObject { ["consent"] = new JsonObject { ["Email"] = answers[i] } });
            return history;
        }

        Assert.True(Matches(SegmentExamples.EmailConsent, Consent(true)));
        Assert.False(Matches(SegmentExamples.EmailConsent, Consent(true, false)));
        Assert.False(Matches(SegmentExamples.EmailConsent, Consent()));
    }

    [Fact]
    public void Tag_matches_itself_and_tags_beneath_it_only()
    {
        Assert.True(Matches(SegmentExamples.LoyalTag, new History().Tag(Days(1), "loyal")));
        Assert.True(Matches(SegmentExamples.LoyalTag, new History().Tag(Days(1), "loyal/high-value")));
        Assert.False(Matches(SegmentExamples.LoyalTag, new History().Tag(Days(1), "loyalty")));
        Assert.False(Matches(SegmentExamples.LoyalTag, new History().Tag(Days(1), "vip/loyal")));
    }

    // Operators

    [Theory]
    [InlineData("""trait plan = "pro" """, true)]
    [InlineData("""trait plan != "free" """, true)]
    [InlineData("""trait missing != "free" """, true)] // a missing value is unequal to everything
    [InlineData("""trait missing = "free" """, false)]
    [InlineData("""trait missing exists""", false)]
    [InlineData("""trait plan exists""", true)]
    [InlineData("""trait seats > 9""", true)]
    [InlineData("""trait seats >= 10""", true)]
    [InlineData("""trait seats < 10""", false)]
    [InlineData("""trait seats <= 10""", true)]
    [InlineData("""trait seats between 5 and 10""", true)]
    [InlineData("""trait seats between 11 and 20""", false)]
    [InlineData("""trait seats = "10" """, false)] // no coercion between strings and numbers
    [InlineData("""trait plan in ["pro", "team"]""", true)]
    [InlineData("""trait plan in []""", false)]
    [InlineData("""trait email contains "EXAMPLE" """, true)] // contains and starts with ignore case
    [InlineData("""trait email starts with "Ada" """, true)]
    [InlineData("""trait email starts with "example" """, false)]
    [InlineData("""trait interests contains "golf" """, true)] // an array contains an item
    [InlineData("""trait interests contains "gol" """, false)]
    [InlineData("""trait address.city = "Paris" """, true)]
    [InlineData("""trait verified = true""", true)]
    [InlineData("""trait signup_date >= "2025-01-01" """, true)] // ISO dates order as strings
    [InlineData("""trait signup_date between "2024-01-01" and "2024-12-31" """, false)]
    public void Trait_operators(string rule, bool expected)
    {
        var history = new History().Identify(Days(1), new JsonObject
        {
            ["plan"] = "pro",
            ["seats"] = 10,
            ["email"] = "ada@example.com",
            ["interests"] = new JsonArray("golf", "chess"),
            ["address"] = new JsonObject { ["city"] = "Paris" },
            ["verified"] = true,
            ["signup_date"] = "2025-02-03",
        });

        Assert.Equal(expected, Matches(rule, history));
    }

    [Theory]
    [InlineData("""performed "Order Completed" sum of revenue >= 150""", true)]
    [InlineData("""performed "Order Completed" sum of revenue > 150""", false)]
    [InlineData("""performed "Order Completed" min of revenue = 20""", true)]
    [InlineData("""performed "Order Completed" max of revenue = 100""", true)]
    [InlineData("""performed "Order Completed" distinct of category = 2""", true)]
    [InlineData("""performed "Order Completed" with category = "books" sum of revenue = 50""", true)]
    [InlineData("""performed "Order Completed" sum of revenue = 120 in last 7 days""", true)]
    [InlineData("""performed "Order Completed" exactly 3 times""", true)]
    [InlineData("""performed "Order Completed" at most 2 times""", false)]
    [InlineData("""performed "Order Completed" fewer than 4 times""", true)]
    [InlineData("""performed "Order Completed" with category starts with "elec", revenue > 50""", true)]
    [InlineData("""performed "Refund Issued" fewer than 1 times""", true)] // nothing happened: a count of 0
    [InlineData("""performed "Refund Issued" max of amount > 0""", false)] // max of nothing is undefined
    public void Event_measures(string rule, bool expected)
    {
        var history = new History()
            .Track("Order Completed", Days(20), new JsonObject { ["revenue"] = 30, ["category"] = "books" })
            .Track("Order Completed", Days(5), new JsonObject { ["revenue"] = 100, ["category"] = "electronics" })
            .Track("Order Completed", Days(1), new JsonObject { ["revenue"] = 20, ["category"] = "books" });

        Assert.Equal(expected, Matches(rule, history));
    }

    [Fact]
    public void Explanation_of_not_says_the_inner_condition_held()
    {
        var why = RuleEvaluator.Explain(RuleParser.Parse("""not has tag "vip" """), new History().Tag(Days(1), "vip/gold").Facts(), Now);

        Assert.False(why.Matched);
        Assert.Equal("""not has tag "vip" """.Trim(), why.Condition);
        Assert.Equal("tags: vip/gold", Assert.Single(why.Because).Detail);
    }
}
