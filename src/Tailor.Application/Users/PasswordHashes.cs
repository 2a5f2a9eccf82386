using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tailor.Application.Users;

/// <summary>
/// How dashboard passwords are kept: PBKDF2-HMAC-SHA512 (the runtime's <see cref="Rfc2898DeriveBytes.Pbkdf2(byte[], byte[], int, HashAlgorithmName, int)"/>,
/// the algorithm ASP.NET Core Identity uses) with a fresh 16-byte salt and <see cref="Iterations"/> rounds, OWASP's
/// figure for this hash. Stored as <c>pbkdf2-sha512$&lt;iterations&gt;$&lt;salt base64&gt;$&lt;hash base64&gt;</c>, so
/// the rounds can be raised later: a hash made with fewer is replaced at the next sign-in (<see cref="NeedsRehash"/>).
/// </summary>
public static class PasswordHashes
{
    /// <summary>Rounds of new hashes (OWASP Password Storage Cheat Sheet, PBKDF2-HMAC-SHA512).</summary>
    public const int Iterations = 210_000;

    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>The most rounds a stored hash may ask for: a hash from elsewhere cannot make a sign-in spin for minutes.</summary>
    private const int MaxIterations = 10_000_000;

    public static string Hash(string password) => Format(password, RandomNumberGenerator.GetBytes(SaltBytes), Iterations);

    /// <summary>Whether <paramref name="password"/> is the one <paramref name="stored"/> was made from (the hashes compared in constant time).</summary>
    public static bool Verify(string password, string stored)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected)) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether <paramref name="stored"/> was made with fewer rounds than new hashes get.</summary>
    public static bool NeedsRehash(string stored) => !TryParse(stored, out var iterations, out _, out _) || iterations < Iterations;

    internal static string Format(string password, byte[] salt, int iterations) =>
        string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt),
            Convert.ToBase64String(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes)));

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out iterations) || iterations is < 1 or > MaxIterations) return false;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            hash = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length > 0 && hash.Length is >= 16 and <= 64;
    }
}
