using System.Security.Cryptography;
using System.Text;

namespace Tailor.Application.Access;

/// <summary>
/// How keys are made and kept: random with a readable prefix; admin keys stored only as a salted SHA-256 credential,
/// <c>s1$&lt;salt hex&gt;$&lt;SHA-256(salt ‖ key) hex&gt;</c> (keys made before salting keep their plain SHA-256 hex).
/// </summary>
public static class AccessSecrets
{
    private const string SaltedPrefix = "s1$";

    /// <summary>A new random key with a readable prefix, e.g. <c>tk_admin_…</c>.</summary>
    public static string NewKey(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))}";

    /// <summary>The lower-case hex SHA-256 of a key: what keys made before salting were stored as, and how caches index keys in memory.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>What the store keeps of a new admin key: a fresh 16-byte salt and the hash of salt and key.</summary>
    public static string Credential(string key) => Credential(key, RandomNumberGenerator.GetBytes(16));

    private static string Credential(string key, byte[] salt) => $"{SaltedPrefix}{Convert.ToHexStringLower(salt)}${Convert.ToHexStringLower(SaltedHash(key, salt))}";

    /// <summary>Whether <paramref name="key"/> is the key <paramref name="credential"/> was made from (in constant time for the hash).</summary>
    public static bool Matches(string key, string credential)
    {
        if (!credential.StartsWith(SaltedPrefix, StringComparison.Ordinal))
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(credential));
        var parts = credential.Split('$');
        if (parts.Length != 3) return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromHexString(parts[1]);
            expected = Convert.FromHexString(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(SaltedHash(key, salt), expected);
    }

    private static byte[] SaltedHash(string key, byte[] salt)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var input = new byte[salt.Length + keyBytes.Length];
        salt.CopyTo(input, 0);
        keyBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
