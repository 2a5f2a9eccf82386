using System.Numerics;

namespace Tailor.Core.Profiles;

/// <summary>
/// A new profile's id, made from the log position of the event that created it: <c>prf_</c>, one character saying how
/// many digits follow, then the position in lowercase base32 (Crockford's alphabet, in ASCII order), such as
/// <c>prf_5a2k7q</c>.
/// </summary>
/// <remarks>
/// <para>Unique without coordination: every position is one event, and an event creates at most one profile
/// (<see cref="Pipeline.ProfileBatch"/>). Deterministic: folding the same log again, or two pipelines racing for one
/// batch, gives the same id. Ordered: the length character first makes the text sort as the number does.</para>
/// <para>Short, because a profile id is repeated per event in <c>event_profiles</c>, <c>identities</c>, trait history
/// and their indexes (issue 17, bytes per event): 10 characters at a million events, against 30 for a UUIDv7 in base32.
/// Ids are opaque text, so profiles made before keep their longer ids; a position-made id is never that long, so the
/// two forms never meet. A profile id grants nothing by itself (every read of a profile by id needs an admin key or a
/// signed link), so an id that tells when its profile was made gives nothing away.</para>
/// </remarks>
public static class ProfileIds
{
    public const string Prefix = "prf_";

    private const string Base32Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>The id of the profile that the event at <paramref name="sequence"/> creates.</summary>
    public static string ForEvent(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var digits = Math.Max(1, (64 - BitOperations.LeadingZeroCount((ulong)sequence) + 4) / 5);
        return string.Create(Prefix.Length + 1 + digits, sequence, static (chars, value) =>
        {
            Prefix.AsSpan().CopyTo(chars);
            chars[Prefix.Length] = Base32Alphabet[chars.Length - Prefix.Length - 1];
            for (var i = chars.Length - 1; i > Prefix.Length; i--)
            {
                chars[i] = Base32Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });
    }
}
