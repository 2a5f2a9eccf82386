using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tailor.Application;
using Tailor.Application.Pipeline;
using Tailor.Application.Profiles;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Tests.Hosting;
using Tailor.Storage;

namespace Tailor.Server.Tests.Profiles;

/// <summary>The profile use case the API and the CLI share, over a real SQLite store whose profile the pipeline built.</summary>
public sealed class ProfileOperationsTests : IAsyncLifetime
{
    private readonly string _data = TempDirectory.Create("profile-ops");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
    private TailorDatabase _store = null!;
    private ProfileOperations _profiles = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = await TailorStores.OpenAsync(_data, null, Ct);
        var now = _time.GetUtcNow();
        var payload = JsonSerializer.Serialize(new { type = "identify", userId = "u1", messageId = "m1", traits = new { email = "ada@example.com" } });
        await _store.Events.AppendAsync([new TailorEvent("m1", EventType.Identify, null, "u1", null, now, now, "src_test", payload)], Ct);
        var ids = new IdSource(_time);
        await new ProfilePipeline(_store.Events, _store.Positions, _store.Profiles, _store.Merges, _store.Triggers, new ProfileReducer(EngagementWeights.Default), _time, () => ids.New("prf")).ProcessNextBatchAsync(Ct);
        _profiles = new ProfileOperations(_store.Profiles, _store.Events);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        TempDirectory.Delete(_data);
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
        Assert.Equal("from", (await _profiles.EventsAsync(profile.Id, null, _time.GetUtcNow(), _time.GetUtcNow().AddDays(-1), null, null, Ct)).Problem!.Field);
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
