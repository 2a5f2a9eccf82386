using Microsoft.Extensions.Time.Testing;
using Tailor.Application;

namespace Tailor.Server.Tests.Profiles;

public class IdSourceTests
{
    [Fact]
    public void A_short_id_is_13_base32_characters_that_sort_by_the_time_it_was_made()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var ids = new IdSource(time);
        var made = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            made.Add(ids.NewShort("src"));
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.All(made, id => Assert.Matches("^src_[0-9a-hjkmnp-tv-z]{13}$", id));
        Assert.Equal(made, made.Order(StringComparer.Ordinal));
        Assert.Equal(made.Count, made.Distinct().Count());
    }

    [Fact]
    public void A_short_id_begins_with_the_milliseconds_since_2020()
    {
        // 2026-12-05T12:00:00Z is 218,635,200,000 ms after 2020-01-01 (Python: (datetime(2026,12,5,12) - datetime(2020,1,1)).total_seconds() * 1000);
        // shifted left by the 22 random bits, in 13 base32 digits the milliseconds fill the first 9 (and 2 bits of the 10th).
        var ids = new IdSource(new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero)));
        var value = Decode(ids.NewShort("src")["src_".Length..]);

        Assert.Equal(218_635_200_000UL, value >> 22);
    }

    private static ulong Decode(string base32) =>
        base32.Aggregate(0UL, (v, c) => (v << 5) | (uint)"0123456789abcdefghjkmnpqrstvwxyz".IndexOf(c, StringComparison.Ordinal));
}
