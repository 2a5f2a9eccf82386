using Tailor.Core.Profiles;

namespace Tailor.Core.Tests.Profiles;

public sealed class ProfileIdsTests
{
    // Expected values from an independent encoder (Python: repeated divmod by 32 over Crockford's lowercase alphabet,
    // the digit count as one more digit in front).
    [Theory]
    [InlineData(0L, "prf_10")]
    [InlineData(1L, "prf_11")]
    [InlineData(31L, "prf_1z")]
    [InlineData(32L, "prf_210")]
    [InlineData(1_000_000L, "prf_4ygj0")]
    [InlineData(1L << 40, "prf_9100000000")]
    [InlineData(long.MaxValue, "prf_d7zzzzzzzzzzzz")]
    public void A_position_is_written_in_base32_after_its_digit_count(long sequence, string expected) =>
        Assert.Equal(expected, ProfileIds.ForEvent(sequence));

    [Fact]
    public void Ids_sort_as_their_positions_do()
    {
        var random = new Random(17);
        var positions = Enumerable.Range(0, 2000).Select(_ => random.NextInt64(0, 1L << random.Next(1, 63))).Concat([0, 31, 32, 1023, 1024]).Distinct().ToArray();

        var byText = positions.OrderBy(ProfileIds.ForEvent, StringComparer.Ordinal);

        Assert.Equal(positions.Order(), byText);
    }

    [Fact]
    public void A_position_made_id_is_shorter_than_any_random_one()
    {
        Assert.True(ProfileIds.ForEvent(long.MaxValue).Length < "prf_".Length + 26);
        Assert.Throws<ArgumentOutOfRangeException>(() => ProfileIds.ForEvent(-1));
    }
}
