using Tailor.Core.Pipeline;

namespace Tailor.Server.Tests.Cluster;

/// <summary>
/// The profile → fold partition map of the designed partitioned fold (docs/scale.md), checked against known results:
/// the jump consistent hash against the table generated from the paper's reference C++ code (published with the Go port
/// github.com/dgryski/go-jump, jump_test.go), and whole profile ids against Python's hashlib and a transcription of
/// the paper's figure 1 (jump_hash_reference.py beside this file prints them).
/// </summary>
public sealed class ProfilePartitionerTests
{
    public static TheoryData<ulong, int[]> Published => new()
    {
        { 0UL, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
        { 1UL, [0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17] },
        { 0xdeadbeefUL, [0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16] },
        { 0x0ddc0ffeebadf00dUL, [0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15] },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void The_jump_hash_equals_the_reference_implementations_table(ulong key, int[] buckets)
    {
        for (var n = 1; n <= buckets.Length; n++) Assert.Equal(buckets[n - 1], ProfilePartitioner.Jump(key, n));
    }

    [Theory]
    // python3 jump_hash_reference.py: id, SHA-256 key, partition of 1, 2, 3, 16 and 1000
    [InlineData("prf_1", 3725608215737559357UL, new[] { 0, 0, 2, 14, 295 })]
    [InlineData("prf_2", 15234559403921449799UL, new[] { 0, 0, 2, 14, 559 })]
    [InlineData("prf_abc", 10440877710928399698UL, new[] { 0, 1, 1, 4, 791 })]
    [InlineData("anna@example.com", 17858263610038792568UL, new[] { 0, 0, 0, 7, 610 })]
    [InlineData("p-00042", 12439492009345934325UL, new[] { 0, 1, 1, 3, 536 })]
    public void A_profile_id_maps_as_pythons_hashlib_and_the_papers_algorithm_say(string profileId, ulong key, int[] partitions)
    {
        Assert.Equal(key, ProfilePartitioner.KeyOf(profileId));
        int[] counts = [1, 2, 3, 16, 1000];
        for (var i = 0; i < counts.Length; i++) Assert.Equal(partitions[i], new ProfilePartitioner(counts[i]).PartitionOf(profileId));
    }

    [Fact]
    public void Growing_from_16_to_17_partitions_moves_only_profiles_into_the_new_one_about_a_seventeenth_of_them()
    {
        var (before, after) = (new ProfilePartitioner(16), new ProfilePartitioner(17));
        var moved = 0;
        var perPartition = new int[16];
        const int Profiles = 20_000;
        for (var i = 0; i < Profiles; i++)
        {
            var id = $"prf_{i}";
            var (was, now) = (before.PartitionOf(id), after.PartitionOf(id));
            perPartition[was]++;
            if (was == now) continue;
            Assert.Equal(16, now); // a profile only ever moves to the new partition
            moved++;
        }
        // 1/17 of 20,000 is 1,176; the binomial standard deviation is 33: five of them either way.
        Assert.InRange(moved, 1176 - 165, 1176 + 165);
        // Balanced: 1,250 each expected, standard deviation 34 (five of them either way).
        Assert.All(perPartition, n => Assert.InRange(n, 1250 - 170, 1250 + 170));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ProfilePartitioner.MaxPartitions + 1)]
    public void A_partition_count_out_of_range_is_refused(int partitions) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProfilePartitioner(partitions));
}
