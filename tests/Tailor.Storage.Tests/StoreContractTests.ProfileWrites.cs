using System.Text.Json;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using static Tailor.Tests.Support.Messages;

namespace Tailor.Storage.Tests;

/// <summary>
/// One fold commit writes its profiles, identity links and trait history as if row by row, in order, however the store
/// batches them (PostgreSQL writes each kind as one statement of arrays).
/// </summary>
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task A_commit_that_writes_a_profile_twice_and_links_an_identity_twice_has_the_effect_of_each_write_in_order()
    {
        var email = new ProfileIdentifier(IdentityTypes.Email, "ada@example.org");
        Profile Ada(string plan, int minute) => new()
        {
            Id = "prf-ada", CreatedAt = At(minute), UpdatedAt = At(minute),
            Traits = { ["plan"] = new TraitValue(JsonSerializer.SerializeToElement(plan), At(minute)) },
        };
        var bea = new Profile { Id = "prf-bea", CreatedAt = At(1), UpdatedAt = At(1), Tags = { "vip" } };
        TraitChange Plan(string plan, long seq) => new("prf-ada", "plan", JsonSerializer.SerializeToElement(plan), At(2), "", "", seq);

        await Store.Profiles.CommitAsync(new ProfileChangeSet([Ada("free", 2), bea, Ada("pro", 3)],
            [new IdentityLink(email, bea.Id, At(1)), new IdentityLink(email, "prf-ada", At(2))], [],
            [Plan("free", 1), Plan("trial", 2), Plan("pro", 3)], [], new PositionMove(Followers.Profiles, 0, 3)), Ct);

        // The profile's last row, but its creation time from the first: an upsert keeps a row's creation time.
        var ada = await Store.Profiles.GetProfileAsync("prf-ada", Ct);
        Assert.Equal(("pro", At(3), At(2)), (ada?.Traits["plan"].Value.GetString(), ada?.UpdatedAt, ada?.CreatedAt));
        Assert.Equal(["vip"], (await Store.Profiles.GetProfileAsync(bea.Id, Ct))?.Tags);
        // The identity ends on its last link's profile and keeps its first sighting.
        Assert.Equal("prf-ada", (await Store.Profiles.FindProfileAsync(email, Ct))?.Id);
        await using (var raw = await OpenRawAsync())
        {
            if (raw is not null)
            {
                await using var command = raw.CreateCommand();
                command.CommandText = "SELECT first_seen FROM identities WHERE profile_id = 'prf-ada'";
                Assert.Equal(At(1).ToUnixTimeMilliseconds(), Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        // Equal times: the history's order is the order the changes were made.
        Assert.Equal(["free", "trial", "pro"], (await Store.Profiles.TraitHistoryAsync("prf-ada", "plan", Ct)).Select(h => h.Value.GetString()));
    }

    [Fact]
    public async Task The_identity_stage_leaves_a_profile_row_that_is_there_as_it_is()
    {
        var bea = new Profile { Id = "prf-bea", CreatedAt = At(1), UpdatedAt = At(4), Tags = { "vip" } };
        await Store.Profiles.CommitAsync(new ProfileChangeSet([bea], [], [], [], [], new PositionMove(Followers.Profiles, 0, 1)), Ct);

        var empty = new Profile { Id = "prf-bea", CreatedAt = At(5), UpdatedAt = At(5), MergedInto = "prf-cid" };
        var fresh = new Profile { Id = "prf-cid", CreatedAt = At(5), UpdatedAt = At(5), MergedInto = "prf-dan" };
        var freshAgain = new Profile { Id = "prf-cid", CreatedAt = At(6), UpdatedAt = At(6) };
        await Store.Profiles.CommitAsync(new ProfileChangeSet([empty, fresh, freshAgain], [], [], [], [], new PositionMove(Followers.Profiles, 1, 2)) { Stage = FoldStage.Identities }, Ct);

        var kept = await Store.Profiles.GetProfileAsync("prf-bea", Ct);
        Assert.Equal((At(4), null), (kept?.UpdatedAt, kept?.MergedInto));
        Assert.Equal(["vip"], kept?.Tags);
        // A new row from the identity stage is live (its partition marks it merged once its state has moved); written
        // twice in one commit, the first stays.
        var cid = (await Store.Profiles.LoadProfilesAsync(["prf-cid"], withIdentities: false, Ct))["prf-cid"];
        Assert.Equal(((string?)null, At(5)), (cid.MergedInto, cid.UpdatedAt));
    }
}
