using System.Text.RegularExpressions;
using Tailor.Core.Triggers;

namespace Tailor.Core.Tests.Triggers;

/// <summary>docs/triggers.md says what the code does: every JSON block is a valid trigger definition.</summary>
public sealed partial class TriggersDocTests
{
    private static readonly string Doc = File.ReadAllText(FindDoc());

    private static string FindDoc()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "docs", "triggers.md");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("docs/triggers.md not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Every_json_block_is_a_valid_trigger_and_every_example_of_the_issue_is_there()
    {
        var definitions = CodeBlock().Matches(Doc).Where(m => m.Groups[1].Value == "json").Select(m => TriggerJson.Parse(m.Groups[2].Value)).ToList();

        Assert.Equal(["Cart recovery", "Cart recovery (Liquid)", "Shoe fan", "Search intent", "Discount", "Come back", "Re-segment", "Abandonment journey", "Win-back", "Weekly offer"],
            definitions.Select(d => d.Name));
        Assert.IsType<SegmentStart>(definitions.Single(d => d.Name == "Re-segment").Start);
        Assert.Contains(definitions.Single(d => d.Name == "Abandonment journey").Steps, s => s is ConditionStep);
        Assert.NotNull(definitions.Single(d => d.Name == "Weekly offer").QuietHours);
    }

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
