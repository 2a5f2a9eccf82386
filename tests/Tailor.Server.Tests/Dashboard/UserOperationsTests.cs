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
        _users = new UserOperations(Store.Users, new IdSource(Time), Time, new Application.Privacy.AuditTrail(Store.Audit, Time));
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

    [Fact]
    public async Task A_role_change_keeps_the_session_stamp_is_audited_and_never_leaves_no_enabled_admin()
    {
        var actor = new AuditActor("key_1", "ops", "127.0.0.1");
        var ann = (await _users.AddAsync("ann", Password, UserRoles.Admin, Ct)).Value!;
        var bob = (await _users.AddAsync("bob", Password, UserRoles.Viewer, Ct)).Value!;
        var cy = (await _users.AddAsync("cy", Password, UserRoles.Admin, Ct)).Value!;
        Assert.NotNull((await _users.SetDisabledAsync("cy", true, Ct)).Value); // a disabled admin does not count

        const string lastAdmin = "cannot demote the last admin: 'ann' is the only enabled admin user, and at least one must remain (make another user admin first)";
        Assert.Equal((ProblemKind.Conflict, "role", lastAdmin), Full(await _users.SetRoleAsync("ann", UserRoles.Marketer, actor, Ct)));
        Assert.Equal(("role", "must be one of viewer, marketer, admin"), Problem(await _users.SetRoleAsync("bob", "owner", actor, Ct)));
        Assert.Equal(("user", "no user 'dan'"), Problem(await _users.SetRoleAsync("dan", UserRoles.Viewer, actor, Ct)));
        Assert.Equal(UserRoles.Admin, (await Store.Users.GetUserAsync(ann.Id, Ct))!.Role);

        var promoted = (await _users.SetRoleAsync(bob.Id, UserRoles.Admin, actor, Ct)).Value!;
        Assert.Equal((UserRoles.Admin, bob.SessionStamp), (promoted.Role, promoted.SessionStamp)); // sessions carry on, with the new rights
        var demoted = (await _users.SetRoleAsync("ANN", UserRoles.Viewer, actor, Ct)).Value!;
        Assert.Equal(UserRoles.Viewer, demoted.Role);
        Assert.Equal((UserRoles.Viewer, ann.SessionStamp), ((await Store.Users.GetUserAsync(ann.Id, Ct))!.Role, (await Store.Users.GetUserAsync(ann.Id, Ct))!.SessionStamp));
        Assert.Equal((ProblemKind.Conflict, "role", lastAdmin.Replace("'ann'", "'bob'")), Full(await _users.SetRoleAsync("bob", UserRoles.Viewer, actor, Ct)));
        Assert.Equal(UserRoles.Marketer, (await _users.SetRoleAsync(cy.Id, UserRoles.Marketer, actor, Ct)).Value!.Role); // a disabled admin may be demoted

        var audit = await Store.Audit.ListAsync(new Core.Storage.AuditQuery(ActionPrefix: "user role"), Ct);
        Assert.Equal([("user role admin → marketer", cy.Id), ("user role admin → viewer", ann.Id), ("user role viewer → admin", bob.Id)],
            audit.Select(e => (e.Action, e.Target)));
        Assert.All(audit, e => Assert.Equal(("key_1", "ops", 200, "127.0.0.1"), (e.Actor, e.ActorName, e.Outcome, e.Origin)));
    }

    private static (ProblemKind, string, string) Full<T>(OperationResult<T> result) => (result.Problem!.Kind, result.Problem.Field, result.Problem.Rule);
}
