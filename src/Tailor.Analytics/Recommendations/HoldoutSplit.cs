namespace Tailor.Analytics.Recommendations;

/// <summary>
/// The time split of the offline evaluation. Per user, interactions are ordered by time (ties keep the order they were
/// given in); a user with at least <c>minInteractions</c> (default 5) has the last h = ⌊fraction·n + ½⌋ of them held
/// out (fraction default 0.2: n = 5…7 → 1, 8…12 → 2, …); the rest, and every interaction of users below the minimum,
/// are for training. The relevant set of a user is the distinct held-out items not already in the user's training
/// interactions (a model is never asked to recommend what the user already has); a user whose relevant set is empty
/// is not evaluated.
/// </summary>
public sealed record HoldoutSplit(IReadOnlyList<Interaction> Train, IReadOnlyDictionary<string, HashSet<string>> Relevant, int HeldOut)
{
    public const double DefaultFraction = 0.2;
    public const int DefaultMinInteractions = 5;

    public static HoldoutSplit Of(IReadOnlyList<Interaction> interactions, double fraction = DefaultFraction, int minInteractions = DefaultMinInteractions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fraction, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minInteractions, 2);
        var byUser = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var k = 0; k < interactions.Count; k++)
        {
            if (!byUser.TryGetValue(interactions[k].User, out var list)) byUser[interactions[k].User] = list = [];
            list.Add(k);
        }
        var train = new List<Interaction>(interactions.Count);
        var relevant = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var heldOut = 0;
        foreach (var (user, indices) in byUser)
        {
            // Stable: equal times keep input order (List.Sort is not stable, so the index breaks ties).
            indices.Sort((a, b) => interactions[a].Time != interactions[b].Time ? interactions[a].Time.CompareTo(interactions[b].Time) : a.CompareTo(b));
            var n = indices.Count;
            var h = n < minInteractions ? 0 : (int)Math.Floor(fraction * n + 0.5);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < n - h; k++)
            {
                train.Add(interactions[indices[k]]);
                seen.Add(interactions[indices[k]].Item);
            }
            if (h == 0) continue;
            heldOut += h;
            var test = new HashSet<string>(StringComparer.Ordinal);
            for (var k = n - h; k < n; k++)
                if (!seen.Contains(interactions[indices[k]].Item)) test.Add(interactions[indices[k]].Item);
            if (test.Count > 0) relevant[user] = test;
        }
        return new HoldoutSplit(train, relevant, heldOut);
    }
}
