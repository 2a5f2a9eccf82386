using Tailor.Application;
using Tailor.Application.Access;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Admin;

/// <summary>The access use case the API and the CLI share (sources, write and admin keys, the identity secret), over a real SQLite store on a fake clock.</summary>
public sealed class AccessOperationsTests() : SqliteStoreTest("access-ops")
{
    private AccessOperations _access = null!;

    protected override ValueTask SetUpAsync()
    {
        _access = new AccessOperations(Store.Access, new IdSource(Time), Time);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_source_needs_a_unique_name_and_a_write_key_of_at_least_eight_characters()
    {
        var created = await _access.CreateSourceAsync("website", null, Ct);
        var duplicate = await _access.CreateSourceAsync("website", null, Ct);
        var shortKey = await _access.CreateSourceAsync("app", "short", Ct);

        Assert.StartsWith("wk_", created.Value!.WriteKey, StringComparison.Ordinal);
        Assert.Equal(("name", ProblemKind.Invalid), (duplicate.Problem!.Field, duplicate.Problem.Kind));
        Assert.Equal("writeKey", shortKey.Problem!.Field);
    }

    [Fact]
    public async Task A_rotated_write_key_keeps_working_for_the_grace_period_on_the_clock()
    {
        var source = (await _access.CreateSourceAsync("website", "wk_website_old", Ct)).Value!;

        var rotated = (await _access.RotateWriteKeyAsync("website", TimeSpan.FromHours(2), Ct)).Value!;

        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(2), rotated.PreviousKeyValidUntil);
        Assert.NotEqual("wk_website_old", rotated.Source.WriteKey);
        Assert.Equal(rotated.PreviousKeyValidUntil, (await Store.Access.FindWriteKeyAsync("wk_website_old", Ct))!.ExpiresAt);
        Assert.Equal(source.Id, (await Store.Access.FindWriteKeyAsync(rotated.Source.WriteKey, Ct))!.Source.Id);
        Assert.Equal(ProblemKind.NotFound, (await _access.RotateWriteKeyAsync("nope", TimeSpan.Zero, Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task A_revoked_source_says_when_by_id_or_name()
    {
        var source = (await _access.CreateSourceAsync("website", null, Ct)).Value!;

        var revoked = await _access.RevokeSourceAsync(source.Id, Ct);

        Assert.Equal(Time.GetUtcNow(), revoked.Value!.RevokedAt);
        Assert.Equal(ProblemKind.NotFound, (await _access.RevokeSourceAsync("nope", Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task Admin_keys_are_stored_as_salted_hashes_and_a_rotation_keeps_the_old_one_for_its_grace()
    {
        var created = (await _access.CreateAdminKeyAsync("dashboard", Ct)).Value!;
        var twin = (await _access.CreateAdminKeyAsync("dashboard-2", Ct)).Value!;
        var rotated = (await _access.RotateAdminKeyAsync(created.Stored.Id, TimeSpan.FromMinutes(30), Ct)).Value!;
        var revoked = await _access.RevokeAdminKeyAsync(rotated.Stored.Id, Ct);

        Assert.Equal("name", (await _access.CreateAdminKeyAsync(" ", Ct)).Problem!.Field);
        Assert.Matches("^tk_admin_[0-9a-f]{40}$", created.Key);
        var credentials = await Store.Access.AdminKeyCredentialsAsync(Ct);
        var stored = credentials.Single(c => c.Key.Id == created.Stored.Id).Credential;
        Assert.Matches("^s1\\$[0-9a-f]{32}\\$[0-9a-f]{64}$", stored); // a salt of its own, and no trace of the key
        Assert.DoesNotContain(created.Key[9..], stored, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessSecrets.Hash(created.Key), stored, StringComparison.Ordinal);
        Assert.NotEqual(stored[3..35], credentials.Single(c => c.Key.Id == twin.Stored.Id).Credential[3..35]);
        Assert.Equal(created.Stored.Id, (await _access.IdentifyAdminKeyAsync(created.Key, Ct))!.Id);
        Assert.Null(await _access.IdentifyAdminKeyAsync(created.Key + "0", Ct));
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromMinutes(30), rotated.PreviousKeyValidUntil);
        Assert.Equal(Time.GetUtcNow(), revoked.Value!.RevokedAt);
    }

    [Fact]
    public async Task The_identity_secret_is_the_configured_one_else_one_stored_once_and_kept()
    {
        var secret = new IdentitySecret(Store.Content, Time);

        var stored = await secret.GetAsync(null, Ct);
        var again = await new IdentitySecret(Store.Content, Time).GetAsync("", Ct);
        var configured = await secret.GetAsync("from-env", Ct);

        Assert.False(stored.Configured);
        Assert.StartsWith("idv_", stored.Secret, StringComparison.Ordinal);
        Assert.Equal(stored.Secret, again.Secret);
        Assert.Equal(("from-env", true), configured);
    }
}
