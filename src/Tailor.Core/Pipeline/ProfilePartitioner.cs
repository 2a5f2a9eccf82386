using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tailor.Core.Pipeline;

/// <summary>
/// Which of P fold partitions a profile belongs to (docs/scale.md, "The fold partitioned by profile key"):
/// the jump consistent hash of Lamping and Veach (2014) over the first 8 bytes of the SHA-256 of
/// the profile id. The map from profile to partition depends on nothing but the id and P, so every node computes the
/// same one; growing P by one moves only the profiles that land in the new partition (about 1/(P+1) of them).
/// </summary>
public sealed class ProfilePartitioner
{
    /// <summary>The most partitions a fold can be split into (far beyond the cores of any deployment here).</summary>
    public const int MaxPartitions = 4096;

    public ProfilePartitioner(int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, MaxPartitions);
        Partitions = partitions;
    }

    public int Partitions { get; }

    /// <summary>The partition of <paramref name="profileId"/>, from 0 to <see cref="Partitions"/> − 1.</summary>
    public int PartitionOf(string profileId) => Jump(KeyOf(profileId), Partitions);

    /// <summary>The 64-bit key of a profile id: the first 8 bytes of its UTF-8 SHA-256, big-endian.</summary>
    public static ulong KeyOf(string profileId)
    {
        Span<byte> utf8 = profileId.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(profileId.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(profileId.Length)];
        var length = Encoding.UTF8.GetBytes(profileId, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }

    /// <summary>The jump consistent hash of <paramref name="key"/> into <paramref name="buckets"/> buckets, as in the paper's figure 1.</summary>
    public static int Jump(ulong key, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = unchecked(key * 2862933555777941757UL + 1);
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }
        return (int)b;
    }
}
