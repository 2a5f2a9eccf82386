using Tailor.Application.Access;
using Tailor.Application;
using System.Text.RegularExpressions;
using Tailor.Server.Admin;
using Tailor.Storage;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor sources rotate|revoke</c>, <c>tailor keys rotate|revoke|list|identity-secret</c> against a real data directory.</summary>
public sealed partial class KeyCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(params string[] args) => Tailor.RunAsync(_dir.Path, [.. args, "--data", _dir.File("data")]);

    [Fact]
    public async Task A_source_key_is_rotated_with_a_grace_and_revoked()
    {
        Assert.Equal(0, (await RunAsync("sources", "create", "website", "--write-key", "wk_site_first")).ExitCode);

        var rotated = await RunAsync("sources", "rotate", "website", "--grace", "1h");
        var badGrace = await RunAsync("sources", "rotate", "website", "--grace", "soon");
        var revoked = await RunAsync("sources", "revoke", "website");
        var list = await RunAsync("sources", "list");

        Assert.Equal(0, rotated.ExitCode);
        var newKey = WriteKey().Match(rotated.Output).Value;
        Assert.NotEqual("", newKey);
        Assert.Equal(2, badGrace.ExitCode);
        Assert.Contains("--grace: must be a duration", badGrace.Output, StringComparison.Ordinal);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains("revoked", list.Output, StringComparison.Ordinal);
        await using var store = await TailorStores.OpenAsync(_dir.File("data"), null, Ct);
        var current = await store.Access.FindWriteKeyAsync(newKey, Ct);
        Assert.NotNull(current!.Source.RevokedAt);
        Assert.Null(await store.Access.FindWriteKeyAsync("wk_site_first", Ct)); // revocation ends the old key's grace too
        Assert.Contains("The old key works until", rotated.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_key_is_rotated_then_revoked_and_the_list_says_so()
    {
        var created = await RunAsync("keys", "create", "ops");
        var id = KeyId().Match(created.Output).Value;

        var rotated = await RunAsync("keys", "rotate", id, "--grace", "2h");
        var newId = KeyId().Match(rotated.Output).Value;
        var newKey = AdminKey().Match(rotated.Output).Value;
        var revoked = await RunAsync("keys", "revoke", newId);
        var list = await RunAsync("keys", "list");

        Assert.Equal(0, rotated.ExitCode);
        Assert.NotEqual(id, newId);
        Assert.Equal(0, revoked.ExitCode);
        Assert.Contains("valid until", list.Output, StringComparison.Ordinal);
        Assert.Contains("revoked", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(newKey, list.Output, StringComparison.Ordinal);
        await using var store = await TailorStores.OpenAsync(_dir.File("data"), null, Ct);
        var old = (await store.Access.ListAdminKeysAsync(Ct)).Single(k => k.Id == id);
        Assert.InRange(old.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(110), TimeSpan.FromHours(2));
        Assert.NotNull((await new AccessOperations(store.Access, new IdSource(TimeProvider.System), TimeProvider.System).IdentifyAdminKeyAsync(newKey, Ct))!.RevokedAt);
        Assert.Equal(2, (await RunAsync("keys", "revoke", "key_missing")).ExitCode);
    }

    [Fact]
    public async Task The_identity_secret_is_made_once_and_shown_the_same_every_time()
    {
        var first = await RunAsync("keys", "identity-secret");
        var second = await RunAsync("keys", "identity-secret");

        Assert.Equal(0, first.ExitCode);
        var secret = IdentitySecret().Match(first.Output).Value;
        Assert.NotEqual("", secret);
        Assert.Equal(secret, IdentitySecret().Match(second.Output).Value);
    }

    [GeneratedRegex("wk_[0-9a-f]{40}")]
    private static partial Regex WriteKey();

    [GeneratedRegex("key_[0-9a-f]{32}")]
    private static partial Regex KeyId();

    [GeneratedRegex("tk_admin_[0-9a-f]{40}")]
    private static partial Regex AdminKey();

    [GeneratedRegex("idv_[0-9a-f]{64}")]
    private static partial Regex IdentitySecret();
}
