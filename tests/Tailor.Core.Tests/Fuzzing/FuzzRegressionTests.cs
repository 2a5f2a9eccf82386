using Tailor.Core.Segments.Rules;
using Tailor.Core.Triggers;

namespace Tailor.Core.Tests.Fuzzing;

/// <summary>Inputs the fuzzers (or the reports) once broke Tailor with, kept so they stay fixed.</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void Json_text_cut_inside_a_surrogate_pair_is_invalid_json_not_a_crash()
    {
        // A truncated document whose last string ends half-way through "😀": the .NET string holds a lone surrogate.
        var cut = "{\"tag\":\"x\ud83d";
        Assert.Equal("$", Assert.Throws<RuleJsonException>(() => RuleJson.FromJson(cut)).Path);
        Assert.Equal("$", Assert.Throws<TriggerDefinitionException>(() => TriggerJson.Parse(cut)).Path);
        Assert.Equal("not json", HostileInputFuzzTests.Ingest(cut));
    }

    [Theory]
    [InlineData("{% for i in (1..100000000) %}{{ i }}{% endfor %}")] // the preview: 17 s and 5 GB before the budget
    [InlineData("{% for i in (1..profile.n) %}{{ i }}{% endfor %}")] // the same bound read from a trait
    [InlineData("{% assign s = 'x' %}{% for i in (1..64) %}{% assign s = s | append: s %}{% endfor %}")] // doubling without output
    [InlineData("{% tablerow i in (1..1000000) %}{{ i }}{% endtablerow %}")]
    [InlineData("{% block 'self' %}")] // a block including itself
    public async Task Templates_that_once_ran_away_end_within_the_budget(string source) =>
        await HostileInputFuzzTests.TemplateAsync(source);

    [Theory]
    [InlineData("\"\\ud800\"")]
    [InlineData("{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"name\":\"\\ud800\"}}")]
    [InlineData("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"\\udc00\",\"properties\":{\"\\ud800\":1e999999}}")]
    [InlineData("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",\"\\ud800\":1}")]
    public void Messages_with_lone_surrogates_and_huge_numbers_are_handled(string json)
    {
        Assert.SkipWhen(HostileInputFuzzTests.ParserThrowsOnLoneSurrogates(), HostileInputFuzzTests.LoneSurrogateSkip);
        Assert.NotNull(HostileInputFuzzTests.Ingest(json));
    }

    [Fact]
    public void Rule_and_trigger_json_with_a_lone_surrogate_in_a_name_is_a_clear_error()
    {
        using var rule = System.Text.Json.JsonDocument.Parse("{\"tag\":\"x\",\"\\udc00\":1}");
        Assert.Contains("lone UTF-16 surrogate", Assert.Throws<RuleJsonException>(() => RuleJson.FromJson(rule.RootElement, "$")).Rule);
        using var trigger = System.Text.Json.JsonDocument.Parse("{\"name\":\"t\",\"\\ud800\":1}");
        Assert.Contains("lone UTF-16 surrogate", Assert.Throws<TriggerDefinitionException>(() => TriggerJson.Parse(trigger.RootElement)).Rule);
    }
}
