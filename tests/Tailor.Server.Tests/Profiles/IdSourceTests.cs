using Microsoft.Extensions.Time.Testing;
using Tailor.Application;

namespace Tailor.Server.Tests.Profiles;

public class IdSourceTests
{
    [Fact]
    public void A_compact_id_is_the_same_128_bits_in_26_base32_characters()
    {
        Assert.Equal("00000000000000000000000000", IdSource.Base32(Guid.Empty));
        Assert.Equal("7zzzzzzzzzzzzzzzzzzzzzzzzz", IdSource.Base32(Guid.AllBitsSet));
        Assert.Equal("0000000000000000000000000z", IdSource.Base32(Guid.Parse("00000000-0000-0000-0000-00000000001f")));
        Assert.Equal("00000000000000000000000010", IdSource.Base32(Guid.Parse("00000000-0000-0000-0000-000000000020")));
        // One big-endian number, read in the hex form's order: 2^126 is a 2 in the first digit (bits 125 to 129).
        Assert.Equal("20000000000000000000000000", IdSource.Base32(Guid.Parse("40000000-0000-0000-0000-000000000000")));
    }

    [Fact]
    public void Compact_ids_are_6_characters_shorter_and_sort_by_time_like_the_long_ones()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var ids = new IdSource(time);
        var made = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            made.Add(ids.NewCompact("src"));
            time.Advance(TimeSpan.FromMilliseconds(7));
        }

        Assert.All(made, id => Assert.Matches("^src_[0-9a-hjkmnp-tv-z]{26}$", id));
        Assert.Equal(ids.New("src").Length - 6, made[0].Length);
        Assert.Equal(made, made.Order(StringComparer.Ordinal));
        Assert.Equal(made.Count, made.Distinct().Count());
    }
}
