using Tailor.Core.Profiles;

namespace Tailor.Core.Tests.Profiles;

public sealed class ProfileIdsTests
{
    // Expected values from an independent encoder (Python: repeated divmod by 32 over Crockford's lowercase alphabet,
    // the digit count as one more digit in front; then the low 20 bits of 32-bit FNV-1a over the messageId's UTF-16
    // code units, low byte first, as 4 digits).
    [Theory]
    [InlineData(0L, "", "prf_10s7e5")]
    [InlineData(1L, "m-1", "prf_114jjw")]
    [InlineData(31L, "m-1", "prf_1z4jjw")]
    [InlineData(32L, "f3575889ffb34537974ce90f7d2ab578", "prf_210zqj9")]
    [InlineData(1_000_000L, "m-1", "prf_4ygj04jjw")]
    [InlineData(1L << 40, "ajs-next-1", "prf_910000000001h3")]
    [InlineData(long.MaxValue, "é✓", "prf_d7zzzzzzzzzzzz71ty")]
    public void A_position_is_written_in_base32_after_its_digit_count_then_the_message_ids_hash(long sequence, string messageId, string expected) =>
        Assert.Equal(expected, ProfileIds.ForEvent(sequence, messageId));

    [Fact]
    public void Ids_sort_as_their_positions_do()
    {
        var random = new Random(17);
        var made = Enumerable.Range(0, 2000).Select(_ => random.NextInt64(0, 1L << random.Next(1, 63))).Concat([0, 31, 32, 1023, 1024]).Distinct()
            .Select(position => (Position: position, Id: ProfileIds.ForEvent(position, $"m-{random.Next()}"))).ToArray();

        var byText = made.OrderBy(m => m.Id, StringComparer.Ordinal).Select(m => m.Position);

        Assert.Equal(made.Select(m => m.Position).Order(), byText);
    }

    [Fact]
    public void Another_event_at_a_position_given_out_again_makes_another_id()
    {
        // A store restored to an earlier point gives its later positions to other events: their profiles must not
        // take the ids of the profiles those positions made before.
        Assert.NotEqual(ProfileIds.ForEvent(4711, "f3575889ffb34537974ce90f7d2ab578"), ProfileIds.ForEvent(4711, "0d6b1c3e5a7f49e28c4b6a1d3f5e7c90"));
        Assert.Equal(ProfileIds.ForEvent(4711, "m-1"), ProfileIds.ForEvent(new Core.Events.LoggedEvent(4711, Tailor.Tests.Support.Messages.Page(Tailor.Tests.Support.Messages.T0, anonymousId: "a1", messageId: "m-1"))));
    }

    [Fact]
    public void A_position_made_id_is_shorter_than_any_random_one()
    {
        Assert.True(ProfileIds.ForEvent(long.MaxValue, "m").Length < "prf_".Length + 26);
        Assert.Throws<ArgumentOutOfRangeException>(() => ProfileIds.ForEvent(-1, "m"));
    }
}
