using Tailor.Application.Pipeline;
using Tailor.Core.Identity;
using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Privacy;

/// <summary>
/// The right to erasure (docs/privacy.md), once for <c>POST /api/privacy/erase</c> and <c>tailor privacy erase</c>: finds
/// the person by any identity or by profile id, removes everything held on them from every table in one transaction
/// (<see cref="IPrivacyStore.EraseAsync"/>), stores a suppression entry (keyed hash) per identifier so late events do not
/// recreate them, makes the in-memory caches forget them, and records the erasure in the audit trail with the profile
/// id and the identity type it was asked by — never the value.
/// </summary>
/// <param name="pipeline">The profile pipeline of this process, when there is one: the erasure runs between its batches and clears its working set.</param>
public sealed class SubjectErasure(IProfileStore profiles, IPrivacyStore store, ISubjectHasher hasher, AuditTrail audit, TimeProvider time,
    IEnumerable<IErasureListener> listeners, ProfilePipeline? pipeline = null)
{
    /// <summary>The type that names a profile by its id rather than by an identity.</summary>
    public const string ProfileIdType = "profileId";

    /// <summary>The most profiles one person may span (their live profile and those merged into it).</summary>
    public const int MaxProfiles = 10_000;

    /// <param name="actor">Who asks (an admin key id, or <c>cli:USER</c>), with <paramref name="actorName"/> and <paramref name="origin"/> for the audit trail.</param>
    public async Task<OperationResult<ErasureSummary>> EraseAsync(string? type, string? value, string actor, string actorName, string? origin, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(type) || (type != ProfileIdType && !IdentityTypes.IsKnown(type)))
            return OperationProblem.Invalid("type", $"must be one of {ProfileIdType}, {string.Join(", ", IdentityTypes.All)}");
        if (string.IsNullOrWhiteSpace(value)) return OperationProblem.Invalid("value", "is required");
        if (value.Length > 1000) return OperationProblem.Invalid("value", "must be at most 1000 characters");
        var profile = type == ProfileIdType
            ? await profiles.GetProfileAsync(value, ct)
            : await profiles.FindProfileAsync(new ProfileIdentifier(type, IdentityTypes.Normalize(type, value)), ct);
        if (profile is null) return OperationProblem.NotFound("value", "no profile has this identity");

        var ids = await ProfileIdsAsync(profile, ct);
        if (ids is null) return OperationProblem.Invalid("value", $"the person spans more than {MaxProfiles} merged profiles");
        var identities = profile.Identities.Distinct().ToList();
        if (type != ProfileIdType && new ProfileIdentifier(type, IdentityTypes.Normalize(type, value)) is var asked && !identities.Contains(asked)) identities.Add(asked);
        var suppressions = identities.Select(i => new Suppression(hasher.Hash(i), i.Type)).Distinct().ToList();
        var request = new ErasureRequest(ids, identities, suppressions, time.GetUtcNow());

        var result = pipeline is null
            ? await store.EraseAsync(request, ct)
            : await pipeline.ExclusiveAsync(c => store.EraseAsync(request, c), ct);
        foreach (var listener in listeners) listener.Erased(ids, identities);
        // An operator must be able to tell, later, which erasures left old pages in SQLite's write-ahead log file.
        var action = result.WriteAheadLogEmptied == false ? $"privacy erase by {type} ({WriteAheadLogKept})" : $"privacy erase by {type}";
        await audit.RecordAsync(actor, actorName, action, profile.Id, 200, origin, ct);
        return new ErasureSummary(profile.Id, ids.Count, [.. identities.Select(i => i.Type).Distinct()], suppressions.Count, result.Rows.Where(r => r.Value > 0)
            .ToDictionary(r => r.Key, r => r.Value), result.WriteAheadLogEmptied);
    }

    /// <summary>What the audit trail adds to an erasure whose write-ahead log file could not be emptied.</summary>
    public const string WriteAheadLogKept = "write-ahead log not emptied";

    /// <summary>The live profile and every profile merged into it (merges point at the survivor), or null past <see cref="MaxProfiles"/>.</summary>
    private async Task<List<string>?> ProfileIdsAsync(Profile profile, CancellationToken ct)
    {
        var ids = new List<string> { profile.Id };
        var seen = new HashSet<string>(ids, StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
            foreach (var merge in await profiles.MergesAsync(ids[i], ct))
                foreach (var id in (string[])[merge.LoserId, merge.WinnerId])
                    if (seen.Add(id))
                    {
                        if (ids.Count >= MaxProfiles) return null;
                        ids.Add(id);
                    }
        return ids;
    }

    /// <summary>
    /// Lifts the suppression of one identifier (an administrator's "opts in again", <c>DELETE /api/privacy/suppressions</c>):
    /// events carrying it are folded again from then on. Answers whether there was one.
    /// </summary>
    public async Task<OperationResult<bool>> LiftSuppressionAsync(string? type, string? value, string actor, string actorName, string? origin, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(type) || !IdentityTypes.IsKnown(type)) return OperationProblem.Invalid("type", $"must be one of {string.Join(", ", IdentityTypes.All)}");
        if (string.IsNullOrWhiteSpace(value)) return OperationProblem.Invalid("value", "is required");
        if (value.Length > 1000) return OperationProblem.Invalid("value", "must be at most 1000 characters");
        var removed = await store.RemoveSuppressionsAsync([hasher.Hash(new ProfileIdentifier(type, value))], ct);
        await audit.RecordAsync(actor, actorName, $"privacy lift suppression of {type}", null, removed > 0 ? 200 : 404, origin, ct);
        return removed > 0 ? true : OperationProblem.NotFound("value", "this identity is not suppressed");
    }
}

/// <summary>What an erasure removed.</summary>
/// <param name="ProfileId">The erased person's profile id (the only id the audit trail keeps).</param>
/// <param name="Profiles">Profiles removed (the live one and those merged into it).</param>
/// <param name="IdentityTypes">The types of the identifiers erased and suppressed (never their values).</param>
/// <param name="Rows">Rows removed (or emptied), by table.</param>
/// <param name="WriteAheadLogEmptied">
/// SQLite: whether the write-ahead log file was emptied afterwards. False: readers (a long analytics job) kept it from
/// that for 5 s, or the checkpoint failed, and the old pages of the person's rows stay in the file until it next starts
/// over (docs/privacy.md). Null on PostgreSQL, whose WAL is the server's.
/// </param>
public sealed record ErasureSummary(string ProfileId, int Profiles, IReadOnlyList<string> IdentityTypes, int Suppressed, IReadOnlyDictionary<string, long> Rows,
    bool? WriteAheadLogEmptied = null);
