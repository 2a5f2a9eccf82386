using Tailor.Core.Privacy;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Privacy;

/// <summary>A profile's consent: the current answer per purpose and every change that led to it (docs/privacy.md, "Consent").</summary>
public sealed class ConsentHistory(IProfileStore profiles, IPrivacyStore store)
{
    /// <summary>The most changes listed.</summary>
    public const int MaxChanges = 10_000;

    public async Task<OperationResult<ConsentView>> GetAsync(string id, CancellationToken ct)
    {
        if (await profiles.GetProfileAsync(id, ct) is not { } profile) return OperationProblem.NotFound("id", $"no profile '{id}'");
        return new ConsentView(profile.Id, profile.Consent, await store.ConsentHistoryAsync(profile.Id, MaxChanges, ct));
    }
}

/// <param name="Current">The answer per purpose now (no answer means no).</param>
/// <param name="History">Every change, oldest first.</param>
public sealed record ConsentView(string ProfileId, IReadOnlyDictionary<string, ConsentRecord> Current, IReadOnlyList<ConsentChange> History);
