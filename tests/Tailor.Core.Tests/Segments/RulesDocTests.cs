using System.Text.RegularExpressions;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Tests.Segments;

/// <summary>docs/rules.md says what the code does: its blocks parse, its examples are the tested ones, its error table is exact.</summary>
public sealed partial class RulesDocTests
{
    private static readonly string Doc = File.ReadAllText(FindDoc());

    private static string FindDoc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "rules.md");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("docs/rules.md not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> Blocks(string markdown, string language) =>
        CodeBlock().Matches(markdown).Where(m => m.Groups[1].Value == language).Select(m => m.Groups[2].Value);

    [Fact]
    public void Every_text_block_parses_and_is_in_canonical_form_or_reads_back_equal()
    {
        var blocks = Blocks(Doc, "text").ToList();

        Assert.True(blocks.Count >= SegmentExamples.ByName.Count + 2);
        foreach (var block in blocks)
        {
            var rule = RuleParser.Parse(block);
            Assert.Equal(rule, RuleParser.Parse(RulePrinter.Print(rule)));
        }
    }

    [Fact]
    public void Every_json_block_reads_and_writes_back_the_same_rule()
    {
        var blocks = Blocks(Doc, "json").ToList();

        Assert.True(blocks.Count >= SegmentExamples.ByName.Count + 1);
        foreach (var block in blocks)
        {
            var rule = RuleJson.FromJson(block);
            Assert.Equal(rule, RuleJson.FromJson(RuleJson.ToJson(rule).ToJsonString()));
        }
    }

    [Fact]
    public void Each_example_shows_the_tested_rule_in_both_forms()
    {
        var sections = Doc[Doc.IndexOf("\n## Examples", StringComparison.Ordinal)..].Split("\n### ")[1..]
            .ToDictionary(s => s[..s.IndexOf('\n', StringComparison.Ordinal)].Trim(), s => s);

        Assert.Equal(SegmentExamples.ByName.Keys.Order(), sections.Keys.Order());
        foreach (var (name, text) in SegmentExamples.ByName)
        {
            var tested = RuleParser.Parse(text);
            Assert.True(tested == RuleParser.Parse(Assert.Single(Blocks(sections[name], "text"))), $"text of {name}");
            Assert.True(tested == RuleJson.FromJson(Assert.Single(Blocks(sections[name], "json"))), $"JSON of {name}");
        }
    }

    [Fact]
    public void Error_table_shows_the_parser_messages()
    {
        var rows = ErrorRow().Matches(Doc).ToList();

        Assert.True(rows.Count >= 6);
        foreach (var row in rows)
            Assert.Equal(row.Groups[2].Value, Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(row.Groups[1].Value)).Message);
    }

    [Fact]
    public void Every_computed_trait_is_documented()
    {
        foreach (var name in ComputedValues.Names) Assert.Contains($"| `{name}` |", Doc, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^```(\w+)\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^\| `([^`]+)` \| (line \d+, column \d+: .+?) \|$", RegexOptions.Multiline)]
    private static partial Regex ErrorRow();
}
