using Tailor.Application;
using Tailor.Application.Users;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>The users use case the API, the CLI and the sign-in form share, over a real SQLite store on a fake clock.</summary>
public sealed class UserOperationsTests() : SqliteStoreTest("users-ops")
{
    private const string Password = "a long enough secret";
    private UserOperations _users = null!;

    protected override ValueTask SetUpAsync()
    {
        _users = new UserOperations(Store.Users, new IdSource(Time), Time);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_user_needs_a_valid_unique_name_a_long_enough_password_and_a_known_role()
    {
        var added = await _users.AddAsync("Ann.Lee@shop", Password, UserRoles.Marketer, Ct);
        Assert.Equal(("ann.lee@shop", "marketer"), (added.Value!.Name, added.Value.Role));
        Assert.StartsWith("usr_", added.Value.Id, StringComparison.Ordinal);

        Assert.Equal(("name", "must be unique: a user with this name exists already"), Problem(await _users.AddAsync("ANN.LEE@SHOP", Password, "viewer", Ct)));
        Assert.Equal("name", Problem(await _users.AddAsync("ann lee", Password, "viewer", Ct)).Field);
        Assert.Equal("name", Problem(await _users.AddAsync(new string('a', 65), Password, "viewer", Ct)).Field);
        Assert.Equal(("password", "must be 12 to 128 characters"), Problem(await _users.AddAsync("bea", "short", "viewer", Ct)));
        Assert.Equal("password", Problem(await _users.AddAsync("bea", new string('x', 129), "viewer", Ct)).Field);
        Assert.Equal(("password", "must not contain the user's name"), Problem(await _users.AddAsync("beatrice", "beatrice-2026!", "viewer", Ct)));
        Assert.Equal(("role", "must be one of viewer, marketer, admin"), Problem(await _users.AddAsync("bea", Password, "owner", Ct)));
        Assert.Equal(["ann.lee@shop"], (await _users.ListAsync(Ct)).Select(u => u.Name));
    }

    [Fact]
    public async Task Only_the_right_password_of_an_enabled_user_signs_in()
    {
        var ann = (await _users.AddAsync("ann", Password, UserRoles.Viewer, Ct)).Value!;
        Assert.Equal(ann, await _users.VerifyAsync("ANN", Password, Ct));
        Assert.Null(await _users.VerifyAsync("ann", Password + "!", Ct));
        Assert.Null(await _users.VerifyAsync("nobody", Password, Ct));
        Assert.Null(await _users.VerifyAsync("ann", null, Ct));

        var disabled = (await _users.SetDisabledAsync("ann", true, Ct)).Value!;
        Assert.Equal(Time.GetUtcNow(), disabled.DisabledAt);
        Assert.NotEqual(ann.SessionStamp, disabled.SessionStamp); // sessions signed in before have ended
        Assert.Null(await _users.VerifyAsync("ann", Password, Ct));
        Assert.NotNull((await _users.SetDisabledAsync(ann.Id, false, Ct)).Value);
        Assert.NotNull(await _users.VerifyAsync("ann", Password, Ct));
    }

    [Fact]
    public async Task A_new_password_replaces_the_old_one_and_changes_the_session_stamp()
    {
        var ann = (await _users.AddAsync("ann", Password, UserRoles.Admin, Ct)).Value!;
        Time.Advance(TimeSpan.FromHours(1));
        var changed = (await _users.SetPasswordAsync("ann", "another long secret", Ct)).Value!;
        Assert.Equal(Time.GetUtcNow(), changed.PasswordChangedAt);
        Assert.NotEqual(ann.SessionStamp, changed.SessionStamp);
        Assert.Null(await _users.VerifyAsync("ann", Password, Ct));
        Assert.Equal(changed, await _users.VerifyAsync("ann", "another long secret", Ct));
        Assert.Equal("password", Problem(await _users.SetPasswordAsync("ann", "short", Ct)).Field);
        Assert.Equal(ProblemKind.NotFound, (await _users.SetPasswordAsync("nobody", "another long secret", Ct)).Problem!.Kind);
    }

    [Fact]
    public async Task A_hash_with_fewer_rounds_is_made_again_at_sign_in_keeping_the_session()
    {
        var ann = (await _users.AddAsync("ann", Password, UserRoles.Viewer, Ct)).Value!;
        var old = PasswordHashes.Format(Password, new byte[16], 1000); // as an earlier version would have kept it
        await Store.Users.SetPasswordAsync(ann.Id, old, ann.SessionStamp, ann.PasswordChangedAt, Ct);

        Assert.Equal(ann, await _users.VerifyAsync("ann", Password, Ct));
        var stored = (await Store.Users.FindCredentialAsync("ann", Ct))!;
        Assert.False(PasswordHashes.NeedsRehash(stored.PasswordHash));
        Assert.Equal(ann.SessionStamp, stored.User.SessionStamp);
    }

    [Fact]
    public async Task A_removed_user_is_gone_by_name_or_id()
    {
        var ann = (await _users.AddAsync("ann", Password, UserRoles.Viewer, Ct)).Value!;
        Assert.Equal(ann.Id, (await _users.RemoveAsync(ann.Id, Ct)).Value!.Id);
        Assert.Equal(ProblemKind.NotFound, (await _users.RemoveAsync("ann", Ct)).Problem!.Kind);
        Assert.Null(await _users.VerifyAsync("ann", Password, Ct));
    }

    [Fact]
    public void Roles_are_sets_of_key_scopes()
    {
        Assert.Equal("profiles:read analytics", UserRoles.Scopes(UserRoles.Viewer));
        Assert.Equal("profiles:read segments triggers content send analytics", UserRoles.Scopes(UserRoles.Marketer));
        Assert.Equal("admin", UserRoles.Scopes(UserRoles.Admin));
        Assert.Equal("", UserRoles.Scopes("owner")); // unknown: nothing allowed
    }

    private static (string Field, string Rule) Problem<T>(OperationResult<T> result) => (result.Problem!.Field, result.Problem.Rule);
}
