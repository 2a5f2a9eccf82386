using Tailor.Core.Profiles;

namespace Tailor.Core.Tests.Profiles;

public sealed class TagsTests
{
    [Theory]
    [InlineData("loyal", "loyal", true)]
    [InlineData("loyal/high-value", "loyal", true)]
    [InlineData("loyal/high-value/2025", "loyal", true)]
    [InlineData("loyal/high-value", "loyal/high-value", true)]
    [InlineData("loyalty", "loyal", false)]
    [InlineData("loyal", "loyal/high-value", false)]
    [InlineData("Loyal", "loyal", false)]
    [InlineData("royal", "loyal", false)]
    public void Tag_matches_itself_and_its_ancestors_only(string tag, string query, bool matches)
    {
        Assert.Equal(matches, Tags.Matches(tag, query));
    }

    [Theory]
    [InlineData(" loyal//vip ", "loyal/vip")]
    [InlineData("/a/ b /", "a/b")]
    [InlineData(" / ", null)]
    public void Normalize_trims_levels_and_drops_empty_ones(string raw, string? normal)
    {
        Assert.Equal(normal, Tags.Normalize(raw));
    }

    [Fact]
    public void HasTag_finds_a_parent_among_child_tags()
    {
        string[] tags = ["loyal/high-value", "vip"];

        Assert.True(Tags.HasTag(tags, "loyal"));
        Assert.False(Tags.HasTag(tags, "loyalty"));
    }
}
