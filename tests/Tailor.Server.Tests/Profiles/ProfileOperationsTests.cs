using System.Text.Json;
using Tailor.Application;
using Tailor.Application.Pipeline;
using Tailor.Application.Profiles;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Profiles;

/// <summary>The profile use case the API and the CLI share, over a real SQLite store whose profile the pipeline built.</summary>
public sealed class ProfileOperationsTests() : SqliteStoreTest("profile-ops")
{
    private ProfileOperations _profiles = null!;

    protected override async ValueTask SetUpAsync()
    {
        var now = Time.GetUtcNow();
        var payload = JsonSerializer.Serialize(new { type = "identify", userId = "u1", messageId = "m1", traits = new { email = "ada@example.com" } });
        await Store.Events.AppendAsync([new TailorEvent("m1", EventType.Identify, null, "u1", null, now, now, "src_test", payload)], Ct);
        var ids = new IdSource(Time);
        await new ProfilePipeline(Store.Events, Store.Positions, Store.Profiles, Store.Merges, Store.Triggers, new ProfileReducer(EngagementWeights.Default), Time).ProcessNextBatchAsync(Ct);
        _profiles = new ProfileOperations(Store.Profiles, Store.Events);
    }

    [Fact]
    public async Task A_value_without_a_type_is_tried_as_profile_id_then_userId_then_email()
    {
        var byUserId = await _profiles.FindAsync("u1", null, Ct);
        var byId = await _profiles.FindAsync(byUserId!.Id, null, Ct);
        var byType = await _profiles.FindAsync("u1", IdentityTypes.Email, Ct);

        Assert.Equal(byUserId.Id, byId!.Id);
        Assert.Null(byType);
        Assert.Null(await _profiles.FindAsync("nobody", null, Ct));
    }

    [Fact]
    public async Task Lookup_needs_a_known_identity_type_and_a_value()
    {
        Assert.Equal("type", (await _profiles.LookupAsync("phone-ish", "x", Ct)).Problem!.Field);
        Assert.Equal("value", (await _profiles.LookupAsync(IdentityTypes.UserId, "", Ct)).Problem!.Field);
        Assert.Equal(ProblemKind.NotFound, (await _profiles.LookupAsync(IdentityTypes.UserId, "nobody", Ct)).Problem!.Kind);
        Assert.NotNull((await _profiles.LookupAsync(IdentityTypes.UserId, "u1", Ct)).Value);
    }

    [Fact]
    public async Task A_profiles_events_are_read_within_the_limits()
    {
        var profile = (await _profiles.FindAsync("u1", null, Ct))!;

        var events = await _profiles.EventsAsync(profile.Id, null, null, null, null, null, Ct);

        Assert.Equal(["m1"], events.Value!.Select(e => e.Event.MessageId));
        Assert.Equal("limit", (await _profiles.EventsAsync(profile.Id, null, null, null, null, 1001, Ct)).Problem!.Field);
        Assert.Equal("from", (await _profiles.EventsAsync(profile.Id, null, Time.GetUtcNow(), Time.GetUtcNow().AddDays(-1), null, null, Ct)).Problem!.Field);
        Assert.Equal(ProblemKind.NotFound, (await _profiles.EventsAsync("prf_missing", null, null, null, null, null, Ct)).Problem!.Kind);
    }

    [Fact]
    public void Consent_and_tag_changes_are_checked_and_described_as_the_events_that_record_them()
    {
        Assert.Equal("purposes", ProfileOperations.ConsentChange(new Dictionary<string, bool>(), null).Problem!.Field);
        Assert.Equal("add", ProfileOperations.TagsChange([], null).Problem!.Field);
        Assert.Equal("add", ProfileOperations.TagsChange(["/"], null).Problem!.Field);

        Assert.Equal("Consent Updated", ProfileOperations.ConsentChange(new Dictionary<string, bool> { ["email"] = true }, "support call").Value!.EventName);
        var tags = ProfileOperations.TagsChange(["loyal/high-value"], ["trial"]).Value!;
        Assert.Equal(ProfileReducer.TagsUpdated, tags.EventName);
        Assert.Equal(["trial"], (IEnumerable<string>)tags.Properties["remove"]!);
    }
}
