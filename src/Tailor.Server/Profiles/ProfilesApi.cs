using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Application;
using Tailor.Application.Profiles;
using Tailor.Server.Segments;
using Tailor.Core.Segments;
using Tailor.Application.Segments;
using Tailor.Server.Hosting;

namespace Tailor.Server.Profiles;

/// <summary>The read API for profiles (admin key): look up, search, history, and consent and tag changes.</summary>
public static class ProfilesApi
{
    /// <summary>The source id recorded on events that the API itself writes (consent and tag changes); its consent answers are authoritative.</summary>
    public const string ApiSource = ConsentAuthority.Source;

    public static RouteGroupBuilder MapProfilesApi(this RouteGroupBuilder api)
    {
        var profiles = api.MapGroup("profiles").WithTags("Profiles");
        profiles.MapGet("lookup", LookupAsync).WithName("LookupProfile").WithSummary("Find a profile by one of its identities");
        profiles.MapGet("", SearchAsync).WithName("SearchProfiles").WithSummary("Profiles whose trait equals a value");
        profiles.MapGet("{id}", GetAsync).WithName("GetProfile").WithSummary("A profile by id (merged ids resolve to the surviving profile)");
        profiles.MapGet("{id}/events", EventsAsync).WithName("ListProfileEvents").WithSummary("A profile's events, newest first, by name and time range");
        profiles.MapGet("{id}/traits/history", TraitHistoryAsync).WithName("GetTraitHistory").WithSummary("Every value a profile's traits have had, with time and source");
        profiles.MapGet("{id}/merges", MergesAsync).WithName("ListProfileMerges").WithSummary("The merges this profile took part in");
        profiles.MapPut("{id}/consent", SetConsentAsync).WithName("SetConsent").WithSummary("Record consent answers per purpose");
        profiles.MapPost("{id}/tags", UpdateTagsAsync).WithName("UpdateTags").WithSummary("Add or remove hierarchical tags");
        return api.MapMergesApi();
    }

    private static async Task<Results<Ok<ProfileView>, NotFound, ProblemHttpResult>> LookupAsync(
        string? type, string? value, ProfileOperations profiles, SegmentOperations segments, CancellationToken ct)
    {
        var found = await profiles.LookupAsync(type, value, ct);
        if (found.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.For(problem);
        return TypedResults.Ok(ProfileView.From(found.Value!, await segments.NamesOfAsync(found.Value!.Id, ct)));
    }

    private static async Task<Results<Ok<ProfileView>, NotFound>> GetAsync(string id, ProfileOperations profiles, SegmentOperations segments, CancellationToken ct)
    {
        var profile = await profiles.GetAsync(id, ct);
        return profile is null ? TypedResults.NotFound() : TypedResults.Ok(ProfileView.From(profile, await segments.NamesOfAsync(profile.Id, ct)));
    }

    private static async Task<Results<Ok<ProfileView[]>, ProblemHttpResult>> SearchAsync(string? trait, string? value, int? limit, ProfileOperations profiles, CancellationToken ct)
    {
        var found = await profiles.SearchAsync(trait, value, limit, ct);
        if (found.Problem is { } problem) return ApiProblems.Invalid(problem.Field, problem.Rule);
        return TypedResults.Ok(found.Value!.Select(p => ProfileView.From(p)).ToArray());
    }

    private static async Task<Results<Ok<EventView[]>, NotFound, ProblemHttpResult>> EventsAsync(
        string id, string? name, DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit, ProfileOperations profiles, CancellationToken ct)
    {
        var events = await profiles.EventsAsync(id, name, from, to, before, limit, ct);
        if (events.Problem is { } problem) return problem.Kind == ProblemKind.NotFound ? TypedResults.NotFound() : ApiProblems.Invalid(problem.Field, problem.Rule);
        return TypedResults.Ok(events.Value!.Select(ToView).ToArray());
    }

    private static EventView ToView(LoggedEvent logged)
    {
        var e = logged.Event;
        using var payload = JsonDocument.Parse(e.Payload);
        return new EventView(logged.Sequence, e.MessageId, e.Type.ToWire(), e.Name, e.Timestamp, e.ReceivedAt, e.SourceId, payload.RootElement.Clone());
    }

    private static async Task<Results<Ok<TraitChange[]>, NotFound>> TraitHistoryAsync(string id, string? name, IProfileStore store, CancellationToken ct)
    {
        var profile = await store.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        return TypedResults.Ok((await store.TraitHistoryAsync(profile.Id, name, ct)).ToArray());
    }

    private static async Task<Results<Ok<Core.Pipeline.ProfileMerge[]>, NotFound>> MergesAsync(string id, IProfileStore store, CancellationToken ct)
    {
        var profile = await store.GetProfileAsync(id, ct);
        if (profile is null) return TypedResults.NotFound();
        return TypedResults.Ok((await store.MergesAsync(profile.Id, ct)).ToArray());
    }

    /// <summary>Body: <c>{"purposes": {"email": true, "sms": false}, "where": "support call"}</c>.</summary>
    public sealed record ConsentRequest(Dictionary<string, bool>? Purposes, string? Where);

    private static Task<Results<Accepted<ChangeAccepted>, NotFound, ProblemHttpResult>> SetConsentAsync(
        string id, ConsentRequest request, ProfileOperations profiles, ProfileEventWriter events, CancellationToken ct) =>
        WriteApiEventAsync(id, ProfileOperations.ConsentChange(request.Purposes, request.Where), profiles, events, ct);

    /// <summary>Body: <c>{"add": ["loyal/high-value"], "remove": ["trial"]}</c>.</summary>
    public sealed record TagsRequest(string[]? Add, string[]? Remove);

    private static Task<Results<Accepted<ChangeAccepted>, NotFound, ProblemHttpResult>> UpdateTagsAsync(
        string id, TagsRequest request, ProfileOperations profiles, ProfileEventWriter events, CancellationToken ct) =>
        WriteApiEventAsync(id, ProfileOperations.TagsChange(request.Add, request.Remove), profiles, events, ct);

    /// <summary>A change made through the API is an event like any other, so it is logged, replayable and audited.</summary>
    private static async Task<Results<Accepted<ChangeAccepted>, NotFound, ProblemHttpResult>> WriteApiEventAsync(
        string id, OperationResult<ProfileChange> change, ProfileOperations profiles, ProfileEventWriter events, CancellationToken ct)
    {
        if (change.Value is not { } c) return ApiProblems.Invalid(change.Problem!.Field, change.Problem.Rule);
        if (await profiles.GetAsync(id, ct) is not { } profile) return TypedResults.NotFound();
        if (await events.TrackAsync(profile, c.EventName, c.Properties, c.Context, ApiSource, "api", ct) is not { } messageId)
            return TypedResults.Problem(title: "The profile has no userId or anonymousId to record the change on", statusCode: StatusCodes.Status409Conflict);
        return TypedResults.Accepted($"/api/profiles/{profile.Id}", new ChangeAccepted(messageId, profile.Id));
    }

    public sealed record ChangeAccepted(string MessageId, string ProfileId);
}
