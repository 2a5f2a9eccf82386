using System.Security.Cryptography;
using Tailor.Core.Storage;

namespace Tailor.Application.Access;

/// <summary>
/// The secret that <c>/v1/personalize</c>'s userHash is computed with: the configured one (<c>TAILOR_IDENTITY_SECRET</c>)
/// when there is one, else one generated on first use and kept in the store, the same for every node.
/// </summary>
public sealed class IdentitySecret(IContentStore store, TimeProvider time)
{
    private const string SecretKind = "secret";
    private const string SecretName = "identity-verification";

    /// <summary>The secret, and whether it came from configuration (else it was generated and stored).</summary>
    public async Task<(string Secret, bool Configured)> GetAsync(string? configured, CancellationToken ct) =>
        configured is { Length: > 0 } ? (configured, true) : (await StoredAsync(ct), false);

    /// <summary>The stored secret, made on first use: insert-if-absent, then read, so nodes starting together agree.</summary>
    public async Task<string> StoredAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await store.SaveContentAsync(new ContentDocument(SecretKind, SecretName, $"idv_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}", now, now),
            createOnly: true, ct);
        return (await store.GetContentAsync(SecretKind, SecretName, ct))!.Json;
    }
}
