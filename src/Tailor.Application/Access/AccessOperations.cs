using Tailor.Core.Storage;

namespace Tailor.Application.Access;

/// <summary>
/// Who may send events and who may read them, once for the HTTP API and the CLI: sources and their write keys, admin
/// keys, rotation with a grace period for the old key, and revocation. Callers that cache keys forget them after a
/// change (the server's <c>AccessKeys</c>).
/// </summary>
public sealed class AccessOperations(IAccessStore store, IdSource ids, TimeProvider time)
{
    /// <summary>The shortest write key a caller may choose.</summary>
    public const int MinWriteKeyLength = 8;

    /// <summary>A source with a unique name; its write key is generated unless given.</summary>
    public async Task<OperationResult<Source>> CreateSourceAsync(string? name, string? writeKey, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) return OperationProblem.Invalid("name", "is required");
        if (writeKey is { Length: < MinWriteKeyLength }) return OperationProblem.Invalid("writeKey", $"must be at least {MinWriteKeyLength} characters");
        if (await store.FindSourceByNameAsync(name, ct) is not null) return OperationProblem.Invalid("name", "must be unique: a source with this name exists already");
        return await store.CreateSourceAsync(new Source(ids.NewShort("src"), name, writeKey ?? AccessSecrets.NewKey("wk"), time.GetUtcNow()), ct);
    }

    /// <summary>The source named <paramref name="name"/>, created (with a generated key) if there is none: where imports record their events.</summary>
    public async Task<Source> SourceNamedAsync(string name, string keyPrefix, CancellationToken ct) =>
        await store.FindSourceByNameAsync(name, ct) ?? await store.CreateSourceAsync(new Source(ids.NewShort("src"), name, AccessSecrets.NewKey(keyPrefix), time.GetUtcNow()), ct);

    /// <summary>A source by id or name, or null.</summary>
    public async Task<Source?> FindSourceAsync(string idOrName, CancellationToken ct) =>
        (await store.ListSourcesAsync(ct)).FirstOrDefault(s => s.Id == idOrName) ?? await store.FindSourceByNameAsync(idOrName, ct);

    /// <summary>A new write key for a source (by id or name); the old one keeps working for <paramref name="grace"/>, unless the source was revoked.</summary>
    public async Task<OperationResult<RotatedSource>> RotateWriteKeyAsync(string idOrName, TimeSpan grace, CancellationToken ct)
    {
        if (await FindSourceAsync(idOrName, ct) is not { } source) return NoSource(idOrName);
        var until = time.GetUtcNow() + grace;
        if (await store.RotateWriteKeyAsync(source.Id, AccessSecrets.NewKey("wk"), until, ct) is not { } rotated) return NoSource(idOrName);
        return new RotatedSource(rotated, source.RevokedAt ?? until);
    }

    /// <summary>Refuses every write key of a source (by id or name) from now on; answers the source as it now is.</summary>
    public async Task<OperationResult<Source>> RevokeSourceAsync(string idOrName, CancellationToken ct)
    {
        if (await FindSourceAsync(idOrName, ct) is not { } source || !await store.RevokeSourceAsync(source.Id, time.GetUtcNow(), ct)) return NoSource(idOrName);
        return (await store.FindSourceByNameAsync(source.Name, ct))!;
    }

    /// <summary>The longest an admin key may be made to last.</summary>
    public static readonly TimeSpan MaxKeyLifetime = TimeSpan.FromDays(3660);

    /// <summary>
    /// An admin key with <paramref name="scopes"/> (all of them when none) that stops working after <paramref name="expiresIn"/>
    /// (never when null); only a salted hash is stored, so the key is shown once, here.
    /// </summary>
    public async Task<OperationResult<IssuedAdminKey>> CreateAdminKeyAsync(string? name, CancellationToken ct, IEnumerable<string>? scopes = null, TimeSpan? expiresIn = null)
    {
        if (string.IsNullOrWhiteSpace(name)) return OperationProblem.Invalid("name", "is required");
        if (expiresIn is { } lifetime && (lifetime <= TimeSpan.Zero || lifetime > MaxKeyLifetime))
            return OperationProblem.Invalid("expiresIn", "must be more than 0 and at most 3660d");
        var parsed = AdminScopes.Parse(scopes);
        if (parsed.Problem is { } problem) return problem;
        var key = AccessSecrets.NewKey("tk_admin");
        var now = time.GetUtcNow();
        var stored = new AdminKey(ids.New("key"), name, now, now + expiresIn, Scopes: parsed.Value!);
        return new IssuedAdminKey(await store.CreateAdminKeyAsync(stored, AccessSecrets.Credential(key), ct), key);
    }

    /// <summary>The admin key <paramref name="key"/> was issued as, in whatever state (revoked, expired), or null.</summary>
    public async Task<AdminKey?> IdentifyAdminKeyAsync(string key, CancellationToken ct) =>
        (await store.AdminKeyCredentialsAsync(ct)).FirstOrDefault(c => AccessSecrets.Matches(key, c.Credential))?.Key;

    /// <summary>A new admin key in place of <paramref name="id"/>, which keeps working for <paramref name="grace"/>.</summary>
    public async Task<OperationResult<IssuedAdminKey>> RotateAdminKeyAsync(string id, TimeSpan grace, CancellationToken ct)
    {
        var key = AccessSecrets.NewKey("tk_admin");
        var now = time.GetUtcNow();
        var until = now + grace;
        if (await store.RotateAdminKeyAsync(id, ids.New("key"), AccessSecrets.Credential(key), now, until, ct) is not { } created)
            return OperationProblem.NotFound("id", $"no active admin key '{id}'");
        var old = (await store.ListAdminKeysAsync(ct)).First(k => k.Id == id);
        return new IssuedAdminKey(created, key, old.ExpiresAt ?? until);
    }

    /// <summary>Refuses an admin key from now on; answers the key as it now is.</summary>
    public async Task<OperationResult<AdminKey>> RevokeAdminKeyAsync(string id, CancellationToken ct)
    {
        if (!await store.RevokeAdminKeyAsync(id, time.GetUtcNow(), ct)) return OperationProblem.NotFound("id", $"no admin key '{id}'");
        return (await store.ListAdminKeysAsync(ct)).First(k => k.Id == id);
    }

    private static OperationProblem NoSource(string idOrName) => OperationProblem.NotFound("source", $"no source '{idOrName}'");
}
