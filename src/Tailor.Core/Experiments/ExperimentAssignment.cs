using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tailor.Core.Experiments;

/// <summary>
/// Deterministic assignment (docs/experiments.md, "Assignment"): the bucket of a unit is the first 8 bytes of
/// SHA-256 of the UTF-8 text <c>"{experimentKey}:{unit}"</c>, read as an unsigned big-endian integer and divided by
/// 2^64, a number in [0, 1); the unit gets the first arm (holdout first, then the variants in order) whose cumulative
/// weight exceeds the bucket. Another system reproduces it with any SHA-256; keying the hash by experiment makes
/// buckets of different experiments independent.
/// </summary>
public static class ExperimentAssignment
{
    private const double TwoTo64 = 18446744073709551616.0;

    /// <summary>The unit's bucket in [0, 1) for the experiment.</summary>
    public static double Bucket(string experimentKey, string unit)
    {
        var text = string.Concat(experimentKey, ":", unit);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        SHA256.HashData(bytes[..length], hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash) / TwoTo64;
    }

    /// <summary>The arm of <paramref name="unit"/> in <paramref name="experiment"/>: a variant's key, or <see cref="ExperimentArms.Holdout"/>.</summary>
    public static string Arm(ExperimentDefinition experiment, string unit) => Arm(experiment.Arms(), Bucket(experiment.Key, unit));

    /// <summary>The first arm whose cumulative weight exceeds <paramref name="bucket"/>; the last arm takes what rounding leaves.</summary>
    public static string Arm(IReadOnlyList<(string Arm, double Weight)> arms, double bucket)
    {
        var cumulative = 0.0;
        for (var i = 0; i < arms.Count - 1; i++)
        {
            cumulative += arms[i].Weight;
            if (bucket < cumulative) return arms[i].Arm;
        }
        return arms[^1].Arm;
    }
}
