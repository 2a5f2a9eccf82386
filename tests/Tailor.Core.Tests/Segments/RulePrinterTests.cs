using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Tests.Segments;

public sealed class RulePrinterTests
{
    private static string Canonical(string text) => RulePrinter.Print(RuleParser.Parse(text));

    [Theory]
    [InlineData("""PERFORMED   "Order Completed"  AT LEAST 1 TIME  IN LAST 720 HOURS""", """performed "Order Completed" in last 30 days""")]
    [InlineData("""performed "A" in last 1440 minutes""", """performed "A" in last 1 day""")]
    [InlineData("""performed "A" in last 28 days""", """performed "A" in last 4 weeks""")]
    [InlineData("""performed "A" in last 90 minutes""", """performed "A" in last 90 minutes""")]
    [InlineData("""performed "A" within a session since last "B" in last 2 hours""", """performed "A" in last 2 hours since "B" within one session""")]
    [InlineData("""performed "A" with x == 1,y exists exactly 2 time""", """performed "A" with x = 1, y exists exactly 2 times""")]
    [InlineData("""performed "A" SUM OF revenue>=10.50""", """performed "A" sum of revenue >= 10.50""")]
    [InlineData("""trait plan IN["a","b"]""", """trait plan in ["a", "b"]""")]
    [InlineData("""trait "plan" = TRUE""", """trait plan = true""")]
    [InlineData("""trait "in" = 1""", """trait "in" = 1""")] // keywords and non-words stay quoted
    [InlineData("""trait "first name" starts with "A" """, """trait "first name" starts with "A" """)]
    [InlineData("has consent EMAIL", "has consent email")]
    [InlineData("has tag loyal", """has tag "loyal" """)]
    [InlineData("""computed totalRevenue in top 10 percent""", """computed totalRevenue in top 10 percent""")]
    [InlineData("""for some category : performed "A" and performed "B" """, """for some category: performed "A" and performed "B" """)]
    public void Prints_the_canonical_form(string text, string canonical)
    {
        Assert.Equal(canonical.Trim(), Canonical(text));
    }

    [Theory]
    [InlineData("has tag a and (has tag b or has tag c)")]
    [InlineData("has tag a or has tag b and has tag c")]
    [InlineData("(has tag a and has tag b) and has tag c")]
    [InlineData("(has tag a or has tag b) or has tag c")]
    [InlineData("not (has tag a and has tag b)")]
    [InlineData("not not has tag a")]
    [InlineData("""has tag a and (for some category: performed "A" and performed "B")""")]
    [InlineData("""not (for some category: performed "A")""")]
    [InlineData("""for some category: for some brand: performed "A" or performed "B" """)]
    public void Parentheses_appear_exactly_where_the_tree_needs_them(string text)
    {
        var rule = RuleParser.Parse(text.Replace("has tag a", "has tag \"a\"", StringComparison.Ordinal)
            .Replace("has tag b", "has tag \"b\"", StringComparison.Ordinal).Replace("has tag c", "has tag \"c\"", StringComparison.Ordinal));

        var printed = RulePrinter.Print(rule);

        Assert.Equal(rule, RuleParser.Parse(printed));
        Assert.Equal(printed, RulePrinter.Print(RuleParser.Parse(printed)));
    }

    [Fact]
    public void Strings_are_escaped_so_they_read_back()
    {
        var rule = new TraitIs("a \"b\"", Comparison.Of(Operator.Equal, Literal.Of("back\\slash \"quoted\"\nline\ttab")));

        var printed = RulePrinter.Print(rule);

        Assert.Equal("""trait "a \"b\"" = "back\\slash \"quoted\"\nline\ttab" """.Trim(), printed);
        Assert.Equal(rule, RuleParser.Parse(printed));
    }

    [Fact]
    public void A_window_that_is_not_whole_minutes_cannot_be_printed()
    {
        var rule = new Performed("A", ValueList<PropertyFilter>.Empty, Measure.AtLeastOnce, new Window(TimeSpan.FromSeconds(90), null, false));

        Assert.Throws<ArgumentOutOfRangeException>(() => RulePrinter.Print(rule));
    }
}
