using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>Dashboard users: created once per name, read back with their hash only by name, changed and deleted.</summary>
public abstract partial class StoreContractTests
{
    private static DashboardUser User(string id, string name, string role = "marketer") => new(id, name, role, At(0), At(0), "stamp-" + id);

    [Fact]
    public async Task Users_are_created_once_per_name_read_listed_changed_and_deleted()
    {
        Assert.True(await Store.Users.CreateUserAsync(User("usr_b", "bea"), "hash-b", Ct));
        Assert.False(await Store.Users.CreateUserAsync(User("usr_c", "bea"), "hash-c", Ct)); // the name is taken
        Assert.True(await Store.Users.CreateUserAsync(User("usr_a", "ann", "viewer"), "hash-a", Ct));

        Assert.Equal(["ann", "bea"], (await Store.Users.ListUsersAsync(Ct)).Select(u => u.Name));
        Assert.Equal(User("usr_b", "bea"), await Store.Users.GetUserAsync("usr_b", Ct));
        var credential = await Store.Users.FindCredentialAsync("bea", Ct);
        Assert.Equal((User("usr_b", "bea"), "hash-b"), (credential!.User, credential.PasswordHash));
        Assert.Null(await Store.Users.FindCredentialAsync("nobody", Ct));

        Assert.True(await Store.Users.SetPasswordAsync("usr_b", "hash-b2", "stamp-2", At(5), Ct));
        Assert.Equal(("hash-b2", "stamp-2", At(5)), await Credential("bea"));
        Assert.True(await Store.Users.SetDisabledAsync("usr_b", At(6), "stamp-3", Ct));
        Assert.Equal((At(6), "stamp-3"), await State("usr_b"));
        Assert.True(await Store.Users.SetDisabledAsync("usr_b", null, "stamp-4", Ct));
        Assert.Equal((null, "stamp-4"), await State("usr_b"));

        Assert.True(await Store.Users.DeleteUserAsync("usr_b", Ct));
        Assert.False(await Store.Users.DeleteUserAsync("usr_b", Ct));
        Assert.False(await Store.Users.SetPasswordAsync("usr_b", "h", "s", At(7), Ct));
        Assert.False(await Store.Users.SetDisabledAsync("usr_b", At(7), "s", Ct));
        Assert.Null(await Store.Users.GetUserAsync("usr_b", Ct));
        Assert.Equal(["ann"], (await Store.Users.ListUsersAsync(Ct)).Select(u => u.Name));
    }

    [Fact]
    public async Task A_role_changes_keeping_the_session_stamp_but_the_last_enabled_admin_is_not_demoted_even_by_two_at_once()
    {
        Assert.True(await Store.Users.CreateUserAsync(User("usr_a", "ann", "admin"), "h", Ct));
        Assert.True(await Store.Users.CreateUserAsync(User("usr_b", "bea", "viewer"), "h", Ct));
        Assert.True(await Store.Users.CreateUserAsync(User("usr_c", "cy", "admin"), "h", Ct));
        Assert.True(await Store.Users.SetDisabledAsync("usr_c", At(1), "stamp-usr_c", Ct)); // a disabled admin does not count

        Assert.False(await Store.Users.SetRoleAsync("usr_a", "marketer", Ct)); // the last enabled admin
        Assert.True(await Store.Users.SetRoleAsync("usr_a", "admin", Ct)); // staying admin is no demotion
        Assert.False(await Store.Users.SetRoleAsync("usr_x", "viewer", Ct));
        Assert.True(await Store.Users.SetRoleAsync("usr_b", "admin", Ct));
        Assert.Equal(("admin", "stamp-usr_b"), ((await Store.Users.GetUserAsync("usr_b", Ct))!.Role, (await Store.Users.GetUserAsync("usr_b", Ct))!.SessionStamp));
        Assert.True(await Store.Users.SetRoleAsync("usr_c", "viewer", Ct)); // disabled: may go

        // Two enabled admins demoting each other at once: exactly one succeeds, one admin remains.
        var both = await Task.WhenAll(Store.Users.SetRoleAsync("usr_a", "viewer", Ct), Store.Users.SetRoleAsync("usr_b", "marketer", Ct));
        Assert.Single(both, changed => changed);
        Assert.Single(await Store.Users.ListUsersAsync(Ct), u => u.Role == "admin");
    }

    private async Task<(string, string, DateTimeOffset)> Credential(string name)
    {
        var found = (await Store.Users.FindCredentialAsync(name, Ct))!;
        return (found.PasswordHash, found.User.SessionStamp, found.User.PasswordChangedAt);
    }

    private async Task<(DateTimeOffset?, string)> State(string id)
    {
        var user = (await Store.Users.GetUserAsync(id, Ct))!;
        return (user.DisabledAt, user.SessionStamp);
    }
}
