using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Tailor.Application.Access;
using Tailor.Core.Storage;

namespace Tailor.Server.Admin;

/// <summary>
/// Resolves the two kinds of key: a source's write key (may only send events) and an admin key (may read and manage).
/// Admin keys are stored only as salted hashes (<see cref="AccessSecrets"/>); a presented key is checked against each
/// stored credential (there are few admin keys) and remembered in memory by its plain hash. Found keys are cached for <see cref="CacheFor"/> at
/// most, so a key revoked or rotated by the CLI or another node stops (or starts) working within that time; changes
/// made through this node's API clear the cache at once. A rotated key's grace period is checked on every use.
/// </summary>
public sealed class AccessKeys(IAccessStore store, AccessOperations access, TimeProvider time)
{
    /// <summary>How long a found key is trusted without asking the store again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Cached<WriteKeyMatch>> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Cached<AdminKey>> _adminKeys = new(StringComparer.Ordinal);

    private readonly record struct Cached<T>(T Value, long At);

    public static string Hash(string key) => AccessSecrets.Hash(key);

    /// <summary>A new random key with a readable prefix, e.g. <c>tk_admin_…</c>.</summary>
    public static string NewKey(string prefix) => AccessSecrets.NewKey(prefix);

    /// <summary>The source of a valid write key: current and not revoked, or rotated out and still in its grace period.</summary>
    public async ValueTask<Source?> SourceAsync(string? writeKey, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(writeKey)) return null;
        var now = time.GetTimestamp();
        if (!_sources.TryGetValue(writeKey, out var cached) || time.GetElapsedTime(cached.At, now) > CacheFor)
        {
            if (await store.FindWriteKeyAsync(writeKey, ct) is not { } found)
            {
                _sources.TryRemove(writeKey, out _);
                return null;
            }
            _sources[writeKey] = cached = new(found, now);
        }
        var match = cached.Value;
        return match.Source.RevokedAt is null && (match.ExpiresAt is null || time.GetUtcNow() < match.ExpiresAt) ? match.Source : null;
    }

    /// <summary>The admin key, when valid: not revoked, and if rotated, still in its grace period.</summary>
    public async ValueTask<AdminKey?> AdminAsync(string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key)) return null;
        var hash = Hash(key);
        var now = time.GetTimestamp();
        if (!_adminKeys.TryGetValue(hash, out var cached) || time.GetElapsedTime(cached.At, now) > CacheFor)
        {
            if (await access.IdentifyAdminKeyAsync(key, ct) is not { } found)
            {
                _adminKeys.TryRemove(hash, out _);
                return null;
            }
            _adminKeys[hash] = cached = new(found, now);
        }
        var admin = cached.Value;
        return admin.RevokedAt is null && (admin.ExpiresAt is null || time.GetUtcNow() < admin.ExpiresAt) ? admin : null;
    }

    /// <summary>Forgets every cached key: called after a revocation or rotation so it takes effect on this node at once.</summary>
    public void Forget()
    {
        _sources.Clear();
        _adminKeys.Clear();
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
