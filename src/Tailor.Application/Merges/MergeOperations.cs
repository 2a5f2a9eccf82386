using Tailor.Application.Pipeline;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Merges;

/// <summary>
/// Profile merges, once for the HTTP API and the CLI: a profile's merges, one merge, and the request to undo one.
/// An undo is not done here: it is asked for by an event the caller appends to the log (the server through its
/// group-commit writer, the CLI straight to the store), which the profile pipeline applies in log order.
/// </summary>
public sealed class MergeOperations(IMergeStore merges, IProfileStore profiles, IdSource ids, TimeProvider time)
{
    /// <summary>The merge with this id, as recorded (with when it was undone, if it was).</summary>
    public async Task<OperationResult<MergeRecord>> GetAsync(long mergeId, CancellationToken ct) =>
        await merges.GetMergeAsync(mergeId, ct) is { } record ? record : OperationProblem.NotFound("merge", "does not exist");

    /// <summary>The merges the profile took part in; it is named by its id or by a userId, email or anonymousId.</summary>
    public async Task<OperationResult<IReadOnlyList<ProfileMerge>>> ListAsync(string profile, CancellationToken ct)
    {
        var found = await profiles.GetProfileAsync(profile, ct)
            ?? await profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.UserId, profile), ct)
            ?? await profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.Email, profile), ct)
            ?? await profiles.FindProfileAsync(new ProfileIdentifier(IdentityTypes.AnonymousId, profile), ct);
        return found is null ? OperationProblem.NotFound("profile", "does not exist") : new OperationResult<IReadOnlyList<ProfileMerge>>(await profiles.MergesAsync(found.Id, ct), null);
    }

    /// <summary>
    /// The request to undo merge <paramref name="mergeId"/>, to append to the log; refused (as a conflict) when the merge
    /// was undone already, cannot be undone, or its merged-away profile is no longer merged.
    /// </summary>
    /// <param name="requestedBy">Who asks, kept in the log (e.g. the API's source, <c>cli</c>).</param>
    public async Task<OperationResult<TailorEvent>> RequestUndoAsync(long mergeId, string requestedBy, CancellationToken ct)
    {
        if (await merges.GetMergeAsync(mergeId, ct) is not { } record) return OperationProblem.NotFound("merge", "does not exist");
        if (ProfilePipeline.UndoRefusal(record) is { } why) return OperationProblem.Conflict("merge", $"cannot be undone: {why}");
        if (await merges.GetStoredProfileAsync(record.Merge.LoserId, ct) is not { MergedInto: not null })
            return OperationProblem.Conflict("merge", $"cannot be undone: profile {record.Merge.LoserId} is not merged");
        return MergeUndoRequest.Create(mergeId, ids.New("undo"), time.GetUtcNow(), requestedBy);
    }
}
