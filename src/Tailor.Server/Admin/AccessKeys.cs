using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Tailor.Core.Storage;

namespace Tailor.Server.Admin;

/// <summary>
/// Resolves the two kinds of key: a source's write key (may only send events) and an admin key (may read and manage).
/// Found keys are cached; admin keys are stored and compared only as SHA-256 hashes.
/// </summary>
public sealed class AccessKeys(IAccessStore store)
{
    private readonly ConcurrentDictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AdminKey> _adminKeys = new(StringComparer.Ordinal);

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new random key with a readable prefix, e.g. <c>tk_admin_…</c>.</summary>
    public static string NewKey(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))}";

    public async ValueTask<Source?> SourceAsync(string? writeKey, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(writeKey)) return null;
        if (_sources.TryGetValue(writeKey, out var cached)) return cached;
        var source = await store.FindSourceByWriteKeyAsync(writeKey, ct);
        if (source is not null) _sources[writeKey] = source;
        return source;
    }

    public async ValueTask<AdminKey?> AdminAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key)) return null;
        var hash = Hash(key);
        if (_adminKeys.TryGetValue(hash, out var cached)) return cached;
        var found = await store.FindAdminKeyAsync(hash, ct);
        if (found is not null) _adminKeys[hash] = found;
        return found;
    }

    /// <summary>The username of HTTP Basic credentials (Segment puts the write key there, password empty); null when blank.</summary>
    public static string? BasicUser(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)) return null;
        if (!"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null) return null;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var user = colon < 0 ? decoded : decoded[..colon];
            return user.Length == 0 ? null : user; // blank credentials: let the body's writeKey speak
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string? BearerToken(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
        && "Bearer".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) ? header.Parameter : null;
}
