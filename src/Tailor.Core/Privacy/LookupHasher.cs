using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Tailor.Core.Privacy;

/// <summary>
/// The keyed hash (HMAC-SHA256 under the ring's lookup key) an identity is stored and found by, so identity resolution
/// and lookups by email or phone work without decrypting anything, and the database alone reveals nothing (an unkeyed
/// hash of an email is reversed by hashing a list of emails). The stored form is <c>hmac:{base64url}</c>.
/// </summary>
public sealed class LookupHasher(PrivacyKeyRing keys)
{
    /// <summary>What every stored lookup hash starts with.</summary>
    public const string Prefix = "hmac:";

    private readonly byte[] _key = keys.LookupKey;

    /// <summary>The keyed hash of an identifier of <paramref name="type"/> (already normalized: a lower-case email).</summary>
    public string Hash(string type, string value)
    {
        var length = Encoding.UTF8.GetByteCount(type) + 1 + Encoding.UTF8.GetByteCount(value);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var input = rented.AsSpan(0, length);
            var written = Encoding.UTF8.GetBytes(type, input);
            input[written++] = 0; // the type is part of what is hashed: a phone and a userId with the same text differ
            Encoding.UTF8.GetBytes(value, input[written..]);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, input, mac);
            return string.Create(Prefix.Length + 43, mac.ToArray(), static (chars, hash) =>
            {
                Prefix.AsSpan().CopyTo(chars);
                System.Buffers.Text.Base64Url.EncodeToChars(hash, chars[Prefix.Length..]);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>True when <paramref name="value"/> is a stored lookup hash.</summary>
    public static bool IsHash(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);
}
