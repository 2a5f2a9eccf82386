namespace Tailor.Core;

/// <summary>
/// Crockford's base32 in lower case, for the short ids Tailor makes (<see cref="Profiles.ProfileIds"/>, source ids): its
/// alphabet is in ASCII order, so digits of one width sort as their numbers do.
/// </summary>
public static class Base32
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>The digit for <paramref name="value"/> (0–31).</summary>
    public static char Digit(int value) => Alphabet[value];

    /// <summary>Writes the low 5 × <c>destination.Length</c> bits of <paramref name="value"/>, most significant digit first.</summary>
    public static void Write(Span<char> destination, ulong value)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
    }
}
