using System.Numerics;

namespace Tailor.Core.Profiles;

/// <summary>
/// A new profile's id, made from the event that created it: <c>prf_</c>, one character saying how many digits follow,
/// the event's log position in lowercase base32 (Crockford's alphabet, in ASCII order), then 4 characters of a hash of
/// its messageId, such as <c>prf_4ygj0k3mq</c>.
/// </summary>
/// <remarks>
/// <para>Unique without coordination: every position is one event, and an event creates at most one profile
/// (<see cref="Pipeline.IdentityResolver"/>). Deterministic: folding the same log again, or two pipelines racing for one
/// batch, gives the same id. Ordered: the length character first makes the text sort as the positions do.</para>
/// <para>The messageId's part is for a store restored to an earlier point: positions after it are given out again, to
/// other events, and an id known outside (a destination, an export, a signed email link) must not come to name another
/// person. Only an event with a messageId of the same hash (one chance in a million) at the same position would.</para>
/// <para>Short, because a profile id is repeated per event in <c>event_profiles</c>, <c>identities</c>, trait history
/// and their indexes (issue 17, bytes per event): 13 characters at a million events, against 30 for a UUIDv7 in base32.
/// Ids are opaque text, so profiles made before keep their longer ids; a position-made id is never 30 characters or
/// more, so the two forms never meet. A profile id grants nothing by itself (every read of a profile by id needs an
/// admin key or a signed link), so an id that tells when its profile was made gives nothing away.</para>
/// </remarks>
public static class ProfileIds
{
    public const string Prefix = "prf_";

    private const int HashDigits = 4;

    /// <summary>The id of the profile that the event at <paramref name="sequence"/>, <paramref name="messageId"/>, creates.</summary>
    public static string ForEvent(long sequence, string messageId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var digits = Math.Max(1, (64 - BitOperations.LeadingZeroCount((ulong)sequence) + 4) / 5);
        var hash = Fnv1a32(messageId);
        return string.Create(Prefix.Length + 1 + digits + HashDigits, (sequence, digits, hash), static (chars, state) =>
        {
            Prefix.AsSpan().CopyTo(chars);
            chars[Prefix.Length] = Base32.Digit(state.digits);
            Base32.Write(chars.Slice(Prefix.Length + 1, state.digits), (ulong)state.sequence);
            Base32.Write(chars[^HashDigits..], state.hash);
        });
    }

    /// <summary>The id of the profile that <paramref name="logged"/> creates.</summary>
    public static string ForEvent(Events.LoggedEvent logged) => ForEvent(logged.Sequence, logged.Event.MessageId);

    /// <summary>32-bit FNV-1a of the text as UTF-16 code units, low byte first (the published algorithm over those bytes).</summary>
    private static uint Fnv1a32(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ (byte)c) * 16777619u);
            hash = unchecked((hash ^ (byte)(c >> 8)) * 16777619u);
        }
        return hash;
    }
}
