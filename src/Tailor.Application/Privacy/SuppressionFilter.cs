using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Identity;
using Tailor.Core.Privacy;
using Tailor.Core.Storage;

namespace Tailor.Application.Privacy;

/// <summary>
/// Keeps an erased person erased: the profile pipeline drops events that carry a suppressed identifier (the keyed hash
/// of any of its identities has a suppression entry), and the commit deletes them from the log and counts them.
/// </summary>
/// <remarks>
/// Checked at the profile fold, not at ingestion: the fold is the one place that can recreate a person, it resolves
/// identities anyway, and it also catches events that were appended before the erasure committed but not yet folded.
/// Ingestion stays as fast as it is (no hash and lookup per request). An event that opts in again — one that grants
/// at least one consent purpose (<c>context.consent.categoryPreferences</c> or <c>traits.consent</c>) — is kept and
/// lifts the suppression of every identifier it carries; so does <c>DELETE /api/privacy/suppressions</c>.
/// </remarks>
public sealed class SuppressionFilter(IPrivacyStore store, ISubjectHasher hasher)
{
    /// <summary>The events of <paramref name="views"/> to fold; <paramref name="dropped"/> gets the sequences of the others.</summary>
    public async Task<EventView[]> FilterAsync(EventView[] views, List<long> dropped, CancellationToken ct)
    {
        if (!await store.AnySuppressionsAsync(ct)) return views;
        var hashes = new Dictionary<ProfileIdentifier, string>();
        foreach (var view in views)
            foreach (var identity in view.Identities())
                if (!hashes.ContainsKey(identity)) hashes[identity] = hasher.Hash(identity);
        var suppressed = await store.SuppressedAsync([.. hashes.Values.Distinct(StringComparer.Ordinal)], ct);
        if (suppressed.Count == 0) return views;
        var kept = new List<EventView>(views.Length);
        var lifted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var view in views)
        {
            var ids = view.Identities();
            if (OptsIn(view))
            {
                foreach (var identity in ids) lifted.Add(hashes[identity]);
                kept.Add(view);
            }
            else if (ids.Exists(i => suppressed.Contains(hashes[i]) && !lifted.Contains(hashes[i]))) dropped.Add(view.Logged.Sequence);
            else kept.Add(view);
        }
        if (lifted.Count > 0) await store.RemoveSuppressionsAsync([.. lifted.Where(suppressed.Contains)], ct);
        return [.. kept];
    }

    /// <summary>True when the event grants at least one consent purpose: the person opts in again.</summary>
    public static bool OptsIn(in EventView view) =>
        Grants(EventView.Child(EventView.Child(view.Context, "consent"), "categoryPreferences")) || Grants(EventView.Child(view.Traits, Core.Profiles.ProfileReducer.ConsentTrait));

    private static bool Grants(JsonElement preferences)
    {
        if (preferences.ValueKind != JsonValueKind.Object) return false;
        foreach (var purpose in preferences.EnumerateObject())
            if (purpose.Value.ValueKind == JsonValueKind.True) return true;
        return false;
    }
}
