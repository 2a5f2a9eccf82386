using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Tests.Segments;

public sealed class RuleJsonTests
{
    /// <summary>As an API writes it: without the HTML-safe escaping of '&lt;' and '&gt;' that ToJsonString does by default.</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static RuleJsonException Error(string json) => Assert.Throws<RuleJsonException>(() => RuleJson.FromJson(json));

    [Fact]
    public void Performed_has_its_filters_measure_and_window_as_fields()
    {
        var rule = RuleParser.Parse("""performed "Product Viewed" with category = "shoes" at least 3 times in last 2 hours since "Order Completed" within one session""");

        var json = RuleJson.ToJson(rule).ToJsonString(Readable);

        Assert.Equal("""{"performed":"Product Viewed","where":[{"property":"category","op":"=","value":"shoes"}],"measure":{"aggregate":"count","op":">=","value":3},"window":{"last":"2h","since":"Order Completed","inSession":true}}""", json);
        Assert.Equal(rule, RuleJson.FromJson(json));
    }

    [Fact]
    public void Every_kind_of_condition_round_trips()
    {
        var rule = RuleParser.Parse("""
            (trait plan in ["pro", 2, true] or trait age between 18 and 30 or trait email exists)
            and not computed engagementScore < 20
            and (computed totalRevenue in top 10 percent or performed "Order Completed" sum of revenue >= 99.5 in last 30 days)
            and (for some category: performed "Product Viewed" and performed "Order Completed")
            and in segment "Recent Buyers" and has consent email and has tag "loyal/high-value"
            """);

        var json = RuleJson.ToJson(rule);

        Assert.Equal(rule, RuleJson.FromJson(json.ToJsonString()));
        Assert.Equal("""{"computed":"totalRevenue","top":10}""", json["and"]![2]!["or"]![0]!.ToJsonString(Readable));
        Assert.Equal("""{"forSome":"category","rule":{"and":[{"performed":"Product Viewed"},{"performed":"Order Completed"}]}}""", json["and"]![3]!.ToJsonString(Readable));
        Assert.Equal("""{"not":{"computed":"engagementScore","op":"<","value":20}}""", json["and"]![1]!.ToJsonString(Readable));
    }

    [Fact]
    public void Accepts_double_equals_and_normalizes_consent_and_tags()
    {
        Assert.Equal(new TraitIs("a", Comparison.Of(Operator.Equal, Literal.Of(1))), RuleJson.FromJson("""{"trait":"a","op":"==","value":1}"""));
        Assert.Equal(new HasConsent("email"), RuleJson.FromJson("""{"consent":" Email "}"""));
        Assert.Equal(new HasTag("loyal/vip"), RuleJson.FromJson("""{"tag":"loyal//vip/"}"""));
    }

    [Fact]
    public void And_or_or_of_a_single_rule_is_that_rule_as_in_the_text_form()
    {
        Assert.Equal(new HasTag("a"), RuleJson.FromJson("""{"and":[{"tag":"a"}]}"""));
        Assert.Equal(new Not(new HasTag("a")), RuleJson.FromJson("""{"not":{"or":[{"tag":"a"}]}}"""));
    }

    [Theory]
    [InlineData("""{"and":[{"tag":"a"},{"trait":"plan","op":"="}]}""", "$.and[1].value", "is required")]
    [InlineData("""{"and":[]}""", "$.and", "must be a non-empty array of rules")]
    [InlineData("""{"or":[{"tag":"a"},{"teg":"b"}]}""", "$.or[1]", "must have one of and, or, not, trait, computed, performed, forSome, inSegment, consent, tag")]
    [InlineData("""{"not":[{"tag":"a"}]}""", "$.not", "must be a JSON object")]
    [InlineData("""{"trait":"plan","op":"like","value":"x"}""", "$.op", "must be one of =, !=, <, <=, >, >=, in, contains, startsWith, exists, between")]
    [InlineData("""{"trait":"age","op":"between","values":[1]}""", "$.values", "must hold exactly two values for 'between'")]
    [InlineData("""{"trait":"age","op":"in","value":1}""", "$.values", "must be an array for 'in'")]
    [InlineData("""{"trait":"age","op":"=","value":null}""", "$.value", "must be a string, a number or a boolean")]
    [InlineData("""{"trait":"","op":"exists"}""", "$.trait", "must be a non-empty string")]
    [InlineData("""{"computed":"totalRevenue","top":0}""", "$.top", "must be a percentage greater than 0 and at most 100")]
    [InlineData("""{"computed":"revenue","op":">","value":1}""", "$.computed", "must be a computed trait: eventCount, orderCount, totalRevenue, averageOrderValue, engagementScore, eventCounts.<Event Name>")]
    [InlineData("""{"performed":"A","where":{"property":"x"}}""", "$.where", "must be an array of filters")]
    [InlineData("""{"performed":"A","where":[{"property":"x","op":"="}]}""", "$.where[0].value", "is required")]
    [InlineData("""{"performed":"A","measure":{"aggregate":"avg","op":">","value":1}}""", "$.measure.aggregate", "must be one of count, sum, min, max, distinct")]
    [InlineData("""{"performed":"A","measure":{"aggregate":"sum","op":">","value":1}}""", "$.measure.property", "is required for sum")]
    [InlineData("""{"performed":"A","measure":{"op":"!=","value":1}}""", "$.measure.op", "must be one of =, <, <=, >, >= (and != for sum, min, max, distinct)")]
    [InlineData("""{"performed":"A","measure":{"op":">=","value":2.5}}""", "$.measure.value", "must be a whole number of times for count")]
    [InlineData("""{"performed":"A","window":{"last":"1.5h"}}""", "$.window.last", "must be a whole number of minutes, hours, days or weeks such as 90m, 24h, 30d or 2w")]
    [InlineData("""{"performed":"A","window":{"last":"0d"}}""", "$.window.last", "must be greater than 0 and at most 36500 days")]
    [InlineData("""{"performed":"A","window":{"last":"99999999999w"}}""", "$.window.last", "must be greater than 0 and at most 36500 days")]
    [InlineData("""{"performed":"A","window":{"inSession":"yes"}}""", "$.window.inSession", "must be true or false")]
    [InlineData("""{"performed":"A","windw":{"last":"30d"}}""", "$.windw", "is not a field of a 'performed' condition (expected performed, where, measure, window)")]
    [InlineData("""{"performed":"A","window":{"lats":"30d"}}""", "$.window.lats", "is not a field of a 'window' condition (expected last, since, inSession)")]
    [InlineData("""{"trait":"a","op":"exists","tag":"b"}""", "$.tag", "is not a field of a 'trait' condition (expected trait, op, value, values)")]
    [InlineData("""{"forSome":"category"}""", "$.rule", "is required with forSome")]
    [InlineData("""{"trait":"a","op":"=","value":1e400}""", "$.value", "must be a number of at most 28 digits")]
    [InlineData("""{"trait": "a",""", "$", "must be valid JSON")]
    public void Invalid_json_names_the_path_and_the_rule_it_broke(string json, string path, string rule)
    {
        var e = Error(json);

        Assert.Equal(path, e.Path);
        Assert.StartsWith(rule, e.Rule, StringComparison.Ordinal);
        Assert.StartsWith($"{path}: {rule}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_and_json_forms_of_every_issue_example_describe_the_same_rule()
    {
        foreach (var (name, text) in SegmentExamples.ByName)
        {
            var rule = RuleParser.Parse(text);
            var json = RuleJson.ToJson(rule);
            Assert.True(rule == RuleJson.FromJson(json.ToJsonString()), name);
            Assert.True(JsonNode.DeepEquals(json, RuleJson.ToJson(RuleParser.Parse(RulePrinter.Print(rule)))), name);
        }
    }
}
