using System.Security.Cryptography;
using System.Text;

namespace Tailor.Application.Access;

/// <summary>How keys are made and kept: random with a readable prefix, and admin keys stored only as SHA-256 hashes.</summary>
public static class AccessSecrets
{
    /// <summary>A new random key with a readable prefix, e.g. <c>tk_admin_…</c>.</summary>
    public static string NewKey(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))}";

    /// <summary>What the store keeps of an admin key: the lower-case hex SHA-256 of it.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
