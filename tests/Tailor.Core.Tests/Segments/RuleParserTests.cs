using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Tests.Segments;

public sealed class RuleParserTests
{
    private static Literal S(string text) => Literal.Of(text);

    private static Literal N(decimal number) => Literal.Of(number);

    private static Performed Performed(string name, Measure? measure = null, Window? window = null, params PropertyFilter[] where) =>
        new(name, ValueList.Of(where), measure ?? Measure.AtLeastOnce, window ?? Window.Ever);

    private static RuleSyntaxException Error(string text) => Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(text));

    // Conditions

    [Theory]
    [InlineData("""trait plan = "pro" """, Operator.Equal)]
    [InlineData("""trait plan == "pro" """, Operator.Equal)]
    [InlineData("""trait plan != "pro" """, Operator.NotEqual)]
    [InlineData("""trait plan < "pro" """, Operator.Less)]
    [InlineData("""trait plan <= "pro" """, Operator.LessOrEqual)]
    [InlineData("""trait plan > "pro" """, Operator.Greater)]
    [InlineData("""trait plan >= "pro" """, Operator.GreaterOrEqual)]
    [InlineData("""trait plan contains "pro" """, Operator.Contains)]
    [InlineData("""trait plan starts with "pro" """, Operator.StartsWith)]
    public void Trait_comparison_with_one_value(string text, Operator op)
    {
        Assert.Equal(new TraitIs("plan", Comparison.Of(op, S("pro"))), RuleParser.Parse(text));
    }

    [Fact]
    public void Trait_comparisons_with_no_two_or_many_values()
    {
        Assert.Equal(new TraitIs("email", new Comparison(Operator.Exists, ValueList<Literal>.Empty)), RuleParser.Parse("trait email exists"));
        Assert.Equal(new TraitIs("age", Comparison.Of(Operator.Between, N(18), N(30.5m))), RuleParser.Parse("trait age between 18 and 30.5"));
        Assert.Equal(new TraitIs("plan", Comparison.Of(Operator.In, S("pro"), N(-1), Literal.Of(true))), RuleParser.Parse("""trait plan in ["pro", -1, true]"""));
        Assert.Equal(new TraitIs("plan", new Comparison(Operator.In, ValueList<Literal>.Empty)), RuleParser.Parse("trait plan in []"));
    }

    [Fact]
    public void Trait_paths_may_be_dotted_or_quoted()
    {
        Assert.Equal(new TraitIs("address.city", Comparison.Of(Operator.Equal, S("New York"))), RuleParser.Parse("""trait address.city = "New York" """));
        Assert.Equal(new TraitIs("favourite colour", Comparison.Of(Operator.Equal, Literal.Of(false))), RuleParser.Parse("""trait "favourite colour" = false"""));
    }

    [Fact]
    public void Strings_read_escapes_for_quote_backslash_newline_and_tab()
    {
        Assert.Equal(new TraitIs("note", Comparison.Of(Operator.Equal, S("say \"hi\"\\\n\t"))), RuleParser.Parse("""trait note = "say \"hi\"\\\n\t" """));
    }

    [Fact]
    public void Computed_trait_comparison_and_top_percent()
    {
        Assert.Equal(new ComputedIs("engagementScore", Comparison.Of(Operator.GreaterOrEqual, N(20))), RuleParser.Parse("computed engagementScore >= 20"));
        Assert.Equal(new ComputedInTop("totalRevenue", 12.5m), RuleParser.Parse("computed totalRevenue in top 12.5 percent"));
        Assert.Equal(new ComputedIs("orderCount", Comparison.Of(Operator.In, N(1), N(2))), RuleParser.Parse("computed orderCount in [1, 2]"));
        Assert.Equal(new ComputedIs("eventCounts.Page Viewed", Comparison.Of(Operator.Greater, N(3))), RuleParser.Parse("""computed "eventCounts.Page Viewed" > 3"""));
    }

    [Fact]
    public void Performed_with_no_measure_means_at_least_once_ever()
    {
        Assert.Equal(Performed("Order Completed"), RuleParser.Parse("""performed "Order Completed" """));
        Assert.Equal(Performed("Order Completed"), RuleParser.Parse("""performed "Order Completed" at least 1 time"""));
    }

    [Fact]
    public void Performed_with_property_filters()
    {
        Assert.Equal(
            Performed("Order Completed", null, null,
                new PropertyFilter("category", Comparison.Of(Operator.Equal, S("electronics"))),
                new PropertyFilter("context.location.city", Comparison.Of(Operator.In, S("NYC"), S("New York"))),
                new PropertyFilter("coupon", new Comparison(Operator.Exists, ValueList<Literal>.Empty))),
            RuleParser.Parse("""performed "Order Completed" with category = "electronics", context.location.city in ["NYC", "New York"], coupon exists"""));
    }

    [Theory]
    [InlineData("at least 3 times", Operator.GreaterOrEqual, 3)]
    [InlineData("at most 3 times", Operator.LessOrEqual, 3)]
    [InlineData("more than 3 times", Operator.Greater, 3)]
    [InlineData("fewer than 3 times", Operator.Less, 3)]
    [InlineData("exactly 1 time", Operator.Equal, 1)]
    [InlineData("exactly 0 times", Operator.Equal, 0)]
    public void Performed_counts(string words, Operator op, int count)
    {
        Assert.Equal(Performed("Login", new Measure(Aggregate.Count, null, op, count)), RuleParser.Parse($"performed \"Login\" {words}"));
    }

    [Theory]
    [InlineData("sum", Aggregate.Sum)]
    [InlineData("min", Aggregate.Min)]
    [InlineData("max", Aggregate.Max)]
    [InlineData("distinct", Aggregate.Distinct)]
    public void Performed_aggregates_over_a_property(string word, Aggregate aggregate)
    {
        Assert.Equal(Performed("Order Completed", new Measure(aggregate, "revenue", Operator.NotEqual, -2.5m)),
            RuleParser.Parse($"performed \"Order Completed\" {word} of revenue != -2.5"));
    }

    [Theory]
    [InlineData("in last 90 minutes", 90)]
    [InlineData("in last 1 minute", 1)]
    [InlineData("in last 24 hours", 24 * 60)]
    [InlineData("in last 1 hour", 60)]
    [InlineData("in last 30 days", 30 * 24 * 60)]
    [InlineData("in last 2 weeks", 14 * 24 * 60)]
    public void Performed_in_last_window(string words, int minutes)
    {
        Assert.Equal(Performed("Login", null, new Window(TimeSpan.FromMinutes(minutes), null, false)), RuleParser.Parse($"performed \"Login\" {words}"));
    }

    [Fact]
    public void Performed_since_and_within_a_session_in_any_order()
    {
        var expected = Performed("Product Viewed", new Measure(Aggregate.Count, null, Operator.GreaterOrEqual, 3),
            new Window(TimeSpan.FromDays(7), "Order Completed", true));

        Assert.Equal(expected, RuleParser.Parse("""performed "Product Viewed" at least 3 times in last 7 days since "Order Completed" within one session"""));
        Assert.Equal(expected, RuleParser.Parse("""performed "Product Viewed" at least 3 times within a session since last "Order Completed" in last 1 week"""));
    }

    [Fact]
    public void Segment_consent_and_tag()
    {
        Assert.Equal(new InSegment("Recent Buyers"), RuleParser.Parse("""in segment "Recent Buyers" """));
        Assert.Equal(new HasConsent("email"), RuleParser.Parse("has consent Email"));
        Assert.Equal(new HasTag("loyal/high-value"), RuleParser.Parse("""has tag "loyal/high-value" """));
        Assert.Equal(new HasTag("loyal"), RuleParser.Parse("has tag loyal"));
    }

    [Fact]
    public void Tags_are_normalized_as_the_profile_stores_them()
    {
        Assert.Equal(new HasTag("loyal/vip"), RuleParser.Parse("""has tag " loyal//vip/ " """));
        Assert.Equal("a non-empty tag", Error("""has tag " / " """).Expected);
    }

    [Fact]
    public void For_some_relates_the_events_of_its_whole_body()
    {
        var viewed = Performed("Product Viewed", new Measure(Aggregate.Count, null, Operator.Greater, 3));
        var bought = Performed("Order Completed");

        Assert.Equal(new ForSome("category", new AllOf(ValueList.Of<Rule>(viewed, bought))),
            RuleParser.Parse("""for some category: performed "Product Viewed" more than 3 times and performed "Order Completed" """));
    }

    // Combinations

    [Fact]
    public void And_binds_tighter_than_or_and_not_tighter_than_and()
    {
        var a = new HasTag("a");
        var b = new HasTag("b");
        var c = new HasTag("c");

        Assert.Equal(new AnyOf(ValueList.Of<Rule>(new AllOf(ValueList.Of<Rule>(a, b)), c)), RuleParser.Parse("has tag a and has tag b or has tag c"));
        Assert.Equal(new AnyOf(ValueList.Of<Rule>(a, new AllOf(ValueList.Of<Rule>(b, c)))), RuleParser.Parse("has tag a or has tag b and has tag c"));
        Assert.Equal(new AllOf(ValueList.Of<Rule>(new Not(a), b)), RuleParser.Parse("not has tag a and has tag b"));
        Assert.Equal(new Not(new AnyOf(ValueList.Of<Rule>(a, b))), RuleParser.Parse("not (has tag a or has tag b)"));
        Assert.Equal(new AllOf(ValueList.Of<Rule>(a, new AnyOf(ValueList.Of<Rule>(b, c)))), RuleParser.Parse("has tag a and (has tag b or has tag c)"));
        Assert.Equal(new AllOf(ValueList.Of<Rule>(a, b, c)), RuleParser.Parse("has tag a and has tag b and has tag c"));
    }

    [Fact]
    public void Between_takes_its_own_and_before_the_next_condition()
    {
        Assert.Equal(
            new AllOf(ValueList.Of<Rule>(new TraitIs("age", Comparison.Of(Operator.Between, N(18), N(30))), new HasTag("a"))),
            RuleParser.Parse("trait age between 18 and 30 and has tag a"));
    }

    [Fact]
    public void Keywords_ignore_case_and_comments_and_line_breaks_are_whitespace()
    {
        var rule = RuleParser.Parse("""
            # buyers who are not staff
            PERFORMED "Order Completed" At Least 2 Times In Last 30 Days
            AND NOT Has Tag "staff"   # staff buy for testing
            """);

        Assert.Equal(RuleParser.Parse("""performed "Order Completed" at least 2 times in last 30 days and not has tag "staff" """), rule);
    }

    // Errors: where, what was expected, what was found

    [Fact]
    public void Missing_closing_quote_points_at_the_opening_quote()
    {
        var e = Error("""trait plan = "pro""");

        Assert.Equal((1, 14), (e.Line, e.Column));
        Assert.Equal("a closing '\"' on the same line", e.Expected);
        Assert.Equal("an unterminated string", e.Found);
        Assert.Equal("line 1, column 14: expected a closing '\"' on the same line, found an unterminated string", e.Message);
    }

    [Fact]
    public void Unknown_keyword_at_the_start_of_a_condition_lists_the_conditions()
    {
        var e = Error("""trait plan = "pro" and purchased "Order Completed" """);

        Assert.Equal((1, 24), (e.Line, e.Column));
        Assert.Equal("a condition: trait, computed, performed, for some, in segment, has consent, has tag, 'not' or '('", e.Expected);
        Assert.Equal("'purchased'", e.Found);
    }

    [Fact]
    public void Unknown_word_between_conditions_expects_and_or()
    {
        var e = Error("""trait plan = "pro" also has tag "x" """);

        Assert.Equal((1, 20), (e.Line, e.Column));
        Assert.Equal("'and', 'or' or the end of the rule", e.Expected);
        Assert.Equal("'also'", e.Found);
    }

    [Fact]
    public void Event_name_without_quotes_asks_for_quotes()
    {
        var e = Error("performed Order Completed in last 30 days");

        Assert.Equal((1, 11), (e.Line, e.Column));
        Assert.Equal("an event name in quotes", e.Expected);
        Assert.Equal("'Order'", e.Found);
    }

    [Fact]
    public void Missing_value_after_equals_expects_a_value()
    {
        var atEnd = Error("trait plan =");
        var beforeAnd = Error("trait plan = and has tag x");

        Assert.Equal((1, 13), (atEnd.Line, atEnd.Column));
        Assert.Equal("a value: a \"string\", a number, true or false", atEnd.Expected);
        Assert.Equal("the end of the rule", atEnd.Found);
        Assert.Equal((1, 14), (beforeAnd.Line, beforeAnd.Column));
        Assert.Equal("'and'", beforeAnd.Found);
    }

    [Fact]
    public void Unclosed_parenthesis_names_where_it_was_opened()
    {
        var e = Error("has tag a and (has tag b or has tag c");

        Assert.Equal((1, 38), (e.Line, e.Column));
        Assert.Equal("'and', 'or' or ')' to close the '(' at line 1, column 15", e.Expected);
        Assert.Equal("the end of the rule", e.Found);
    }

    [Fact]
    public void Error_on_the_second_line_reports_line_2_and_its_column()
    {
        var e = Error("""
            performed "Order Completed" in last 30 days
              and trait location_type = urban
            """);

        Assert.Equal((2, 29), (e.Line, e.Column));
        Assert.Equal("'urban'", e.Found);
    }

    [Fact]
    public void Bad_duration_unit_and_fractional_or_zero_amounts_are_errors_at_the_amount()
    {
        Assert.Equal("minutes, hours, days or weeks", Error("""performed "A" in last 30 dayz""").Expected);
        var fraction = Error("""performed "A" in last 1.5 hours""");
        Assert.Equal((1, 23), (fraction.Line, fraction.Column));
        Assert.Equal("a whole number of minutes, hours, days or weeks, greater than 0", fraction.Expected);
        Assert.Equal(23, Error("""performed "A" in last 0 days""").Column);
        Assert.Equal("a window of at most 36500 days", Error("""performed "A" in last 99999999 weeks""").Expected);
    }

    [Fact]
    public void Out_of_range_numbers_are_errors_not_crashes()
    {
        Assert.Equal("a number of at most 28 digits", Error("trait a = 123456789012345678901234567890123").Expected);
        var twoPoints = Error("trait a = 1.2.3");
        Assert.Equal((1, 14), (twoPoints.Line, twoPoints.Column));
        Assert.Equal("'.'", twoPoints.Found);
    }

    [Fact]
    public void Percent_and_count_errors_point_at_the_number()
    {
        var percent = Error("computed totalRevenue in top 0 percent");
        var count = Error("""performed "A" at least 2.5 times""");

        Assert.Equal((1, 30, "a percentage greater than 0 and at most 100"), (percent.Line, percent.Column, percent.Expected));
        Assert.Equal((1, 24, "a whole number of times"), (count.Line, count.Column, count.Expected));
    }

    [Fact]
    public void Unknown_computed_trait_is_an_error_listing_the_known_ones()
    {
        var e = Error("computed engagementscore >= 20");

        Assert.Equal((1, 10), (e.Line, e.Column));
        Assert.StartsWith("a computed trait: eventCount, orderCount, totalRevenue", e.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has", "'consent' or 'tag'")]
    [InlineData("""in segment Recent""", "a segment name in quotes")]
    [InlineData("""performed "" """, "an event name in quotes")]
    [InlineData("""trait "" = 1""", "a trait name")]
    [InlineData("""for some category performed "A" """, "':'")]
    [InlineData("""performed "A" within one week""", "'session'")]
    [InlineData("""performed "A" at least 3""", "'times'")]
    [InlineData("""performed "A" sum of revenue""", "a comparison: = != < <= > >= in [..] contains, starts with, exists or between .. and ..")]
    [InlineData("""performed "A" in last 1 day in last 2 days""", "one 'in last' window only")]
    [InlineData("trait a = 1 ;", "a word, a \"string\", a number or one of = != < <= > >= ( ) [ ] , :")]
    [InlineData("", "a condition: trait, computed, performed, for some, in segment, has consent, has tag, 'not' or '('")]
    public void Other_mistakes_say_what_was_expected(string text, string expected)
    {
        Assert.Equal(expected, Error(text).Expected);
    }
}
