using Tailor.Analytics.Recommendations;

namespace Tailor.Analytics.Tests.Recommendations;

public sealed class InteractionFileTests
{
    [Fact]
    public void Reads_user_item_timestamp_and_optional_weight_with_or_without_a_header()
    {
        const string text = "user,item,timestamp,weight\nu1,i1,2024-01-02T03:04:05Z,2.5\n\"u,2\",i2,2024-01-02 03:04:05\nu3,i3,1700000000,\n";
        var rows = InteractionFile.Read(new StringReader(text));
        Assert.Equal(3, rows.Count);
        Assert.Equal(new Interaction("u1", "i1", new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), 2.5), rows[0]);
        Assert.Equal(new Interaction("u,2", "i2", new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), 1), rows[1]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), rows[2].Time);
        Assert.Single(InteractionFile.Read(new StringReader("u1,i1,2024-01-02T03:04:05Z\n")));
    }

    [Fact]
    public void A_bad_row_is_refused_naming_its_line_and_the_size_is_bounded()
    {
        var error = Assert.Throws<FormatException>(() => InteractionFile.Read(new StringReader("user,item,timestamp\nu1,i1,2024-01-02\nu2,i2,yesterday\n")));
        Assert.StartsWith("line 3:", error.Message);
        Assert.Throws<FormatException>(() => InteractionFile.Read(new StringReader("u1,i1,2024-01-02,-1\n")));
        Assert.Throws<FormatException>(() => InteractionFile.Read(new StringReader("u1,i1,1\nu1,i1,2\nu1,i1,3\n"), maxRows: 2));
    }
}
