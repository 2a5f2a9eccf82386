using System.Security.Cryptography;
using System.Text;
using Tailor.Application.Access;
using Tailor.Server.Hosting;

namespace Tailor.Server.Content;

/// <summary>
/// Identity verification for <c>/v1/personalize</c>, as Intercom's <c>user_hash</c>: the shop's server computes
/// <c>userHash = hex(HMAC-SHA256(secret, userId))</c> and puts it in the page beside the userId; a userId without
/// the right hash is treated as unknown, so the public write key cannot read anyone's content. The secret is
/// <c>TAILOR_IDENTITY_SECRET</c> when set, else generated on the first start and kept in the store.
/// </summary>
public sealed class IdentityVerification(IdentitySecret secret, SecurityOptions security)
{
    private byte[]? _key;

    /// <summary>The secret and whether it came from configuration (else it was generated and stored).</summary>
    public async ValueTask<(string Secret, bool Configured)> SecretAsync(CancellationToken ct) => await secret.GetAsync(security.IdentitySecret, ct);

    /// <summary>True when <paramref name="userHash"/> is the HMAC of <paramref name="userId"/>; compared in constant time.</summary>
    public async ValueTask<bool> VerifiesAsync(string userId, string? userHash, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(userHash) || userHash.Length != 64) return false;
        _key ??= Encoding.UTF8.GetBytes((await SecretAsync(ct)).Secret);
        return Matches(_key, userId, userHash);
    }

    private static bool Matches(byte[] key, string userId, string userHash)
    {
        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(userHash, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32) return false;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId), expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>What the shop's server computes: the lower-case hex HMAC-SHA256 of the userId keyed with the secret.</summary>
    public static string Hash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));
}
