using System.Security.Cryptography;
using System.Text;
using Tailor.Core.Identity;

namespace Tailor.Core.Privacy;

/// <summary>HMAC-SHA256 under a key of at least 32 bytes (<see cref="ISubjectHasher"/>).</summary>
public sealed class HmacSubjectHasher : ISubjectHasher
{
    /// <summary>The shortest key accepted, in bytes (the hash's own length).</summary>
    public const int MinKeyBytes = 32;

    private readonly byte[] _key;

    public HmacSubjectHasher(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyBytes) throw new ArgumentException($"must be at least {MinKeyBytes} bytes", nameof(key));
        _key = key.ToArray();
    }

    public string Hash(ProfileIdentifier identity)
    {
        var text = $"{identity.Type}:{IdentityTypes.Normalize(identity.Type, identity.Value)}";
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text), mac);
        return Convert.ToHexStringLower(mac);
    }
}
