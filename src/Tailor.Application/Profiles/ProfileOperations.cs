using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Profiles;

/// <summary>
/// Reading profiles and describing changes to them, once for the HTTP API and the CLI: find by id or identity,
/// search by trait, a profile's events, and consent and tag changes checked and turned into the event that records
/// them (the caller appends it through the log).
/// </summary>
public sealed class ProfileOperations(IProfileStore profiles, IEventLog log)
{
    /// <summary>The identity types tried, in order, for a value given without its type.</summary>
    private static readonly string[] Guesses = [IdentityTypes.UserId, IdentityTypes.Email, IdentityTypes.AnonymousId];

    /// <summary>A profile by id; merged-away ids resolve to the surviving profile.</summary>
    public Task<Profile?> GetAsync(string id, CancellationToken ct) => profiles.GetProfileAsync(id, ct);

    /// <summary>The profile that owns an identity.</summary>
    public async Task<OperationResult<Profile>> LookupAsync(string? type, string? value, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(type) || !IdentityTypes.IsKnown(type)) return OperationProblem.Invalid("type", $"must be one of {string.Join(", ", IdentityTypes.All)}");
        if (string.IsNullOrEmpty(value)) return OperationProblem.Invalid("value", "is required");
        return await profiles.FindProfileAsync(new ProfileIdentifier(type, value), ct) is { } profile ? profile : OperationProblem.NotFound("value", "no profile has this identity");
    }

    /// <summary>A profile by an identity of <paramref name="type"/>, or, without one, by profile id, then userId, email, anonymousId.</summary>
    public async Task<Profile?> FindAsync(string value, string? type, CancellationToken ct)
    {
        if (type is not null) return await profiles.FindProfileAsync(new ProfileIdentifier(type, value), ct);
        if (await profiles.GetProfileAsync(value, ct) is { } byId) return byId;
        foreach (var guess in Guesses)
            if (await profiles.FindProfileAsync(new ProfileIdentifier(guess, value), ct) is { } found) return found;
        return null;
    }

    /// <summary>Profiles whose trait equals a value (read as JSON when it is JSON, else as a string).</summary>
    public async Task<OperationResult<IReadOnlyList<Profile>>> SearchAsync(string? trait, string? value, int? limit, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(trait)) return OperationProblem.Invalid("trait", "is required");
        if (value is null) return OperationProblem.Invalid("value", "is required");
        if (limit is < 1 or > 1000) return OperationProblem.Invalid("limit", "must be between 1 and 1000");
        return new OperationResult<IReadOnlyList<Profile>>(await profiles.SearchByTraitAsync(trait, ParseValue(value), limit ?? 100, ct), null);
    }

    /// <summary>A profile's events, newest first, by name and time range.</summary>
    public async Task<OperationResult<IReadOnlyList<LoggedEvent>>> EventsAsync(string id, string? name, DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit,
        CancellationToken ct)
    {
        if (limit is < 1 or > 1000) return OperationProblem.Invalid("limit", "must be between 1 and 1000");
        if (from is not null && to is not null && from > to) return OperationProblem.Invalid("from", "must not be after 'to'");
        if (await profiles.GetProfileAsync(id, ct) is not { } profile) return OperationProblem.NotFound("id", $"no profile '{id}'");
        return new OperationResult<IReadOnlyList<LoggedEvent>>(await log.ProfileEventsAsync(new EventQuery(profile.Id, name, from, to, before, limit ?? 100), ct), null);
    }

    /// <summary>Consent answers per purpose, recorded as <c>Consent Updated</c> (with where they were given, if known).</summary>
    public static OperationResult<ProfileChange> ConsentChange(IReadOnlyDictionary<string, bool>? purposes, string? where)
    {
        if (purposes is not { Count: > 0 }) return OperationProblem.Invalid("purposes", "must map at least one purpose to true or false");
        return new ProfileChange("Consent Updated", new Dictionary<string, object?>(), new Dictionary<string, object?>
        {
            ["consent"] = new { categoryPreferences = purposes },
            ["page"] = where is null ? null : new { url = where },
        });
    }

    /// <summary>Hierarchical tags added and removed, recorded as <see cref="ProfileReducer.TagsUpdated"/>.</summary>
    public static OperationResult<ProfileChange> TagsChange(IReadOnlyList<string>? add, IReadOnlyList<string>? remove)
    {
        add ??= [];
        remove ??= [];
        if (add.Count + remove.Count == 0) return OperationProblem.Invalid("add", "add or remove must list at least one tag");
        foreach (var tag in add.Concat(remove))
            if (Tags.Normalize(tag) is null) return OperationProblem.Invalid("add", $"tag '{tag}' must have at least one non-empty level");
        return new ProfileChange(ProfileReducer.TagsUpdated, new Dictionary<string, object?> { ["add"] = add, ["remove"] = remove }, new Dictionary<string, object?>());
    }

    /// <summary>A query value is read as JSON when it is JSON (<c>42</c>, <c>true</c>, <c>"x"</c>), else as a string.</summary>
    public static JsonElement ParseValue(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(value);
        }
    }
}
