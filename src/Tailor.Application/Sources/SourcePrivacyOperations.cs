using Tailor.Core.Sources;
using Tailor.Core.Storage;

namespace Tailor.Application.Sources;

/// <summary>
/// Reading and setting a source's privacy settings (<see cref="SourcePrivacy"/>), for every kind of source — write-key
/// sources and connector sources alike — shared by <c>/api/sources/{id}/privacy</c> and source creation. Checked at
/// save: a bad setting is refused naming the field and the rule.
/// </summary>
public sealed class SourcePrivacyOperations(ISourceStore sources, IAccessStore access, SourcePolicies policies, TimeProvider time)
{
    /// <summary>A source's id and its settings (the defaults when none were set).</summary>
    public sealed record View(string SourceId, SourcePrivacy Privacy, long EventsDropped, long EventsPseudonymized, long FieldsDropped);

    public async Task<OperationResult<View>> GetAsync(string idOrName, CancellationToken ct)
    {
        if (await SourceIdAsync(idOrName, ct) is not { } id) return OperationProblem.NotFound("id", "must be an existing source");
        return Of(id, (await sources.PrivacyAsync(ct)).GetValueOrDefault(id) ?? new SourcePrivacy());
    }

    public async Task<OperationResult<View>> SetAsync(string idOrName, SourcePrivacy privacy, CancellationToken ct)
    {
        if (privacy.Validate() is { } error) return OperationProblem.Invalid(error.Field, error.Rule);
        if (await SourceIdAsync(idOrName, ct) is not { } id) return OperationProblem.NotFound("id", "must be an existing source");
        await sources.SavePrivacyAsync(id, privacy, time.GetUtcNow(), ct);
        policies.Forget();
        return Of(id, privacy);
    }

    private View Of(string id, SourcePrivacy privacy)
    {
        var (dropped, pseudonymized, fields) = policies.Read(id);
        return new View(id, privacy, dropped, pseudonymized, fields);
    }

    private async Task<string?> SourceIdAsync(string idOrName, CancellationToken ct) =>
        (await sources.GetSourceAsync(idOrName, ct) ?? await sources.FindSourceByNameAsync(idOrName, ct))?.Id
        ?? ((await access.ListSourcesAsync(ct)).FirstOrDefault(s => s.Id == idOrName) ?? await access.FindSourceByNameAsync(idOrName, ct))?.Id;
}
