namespace Tailor.Analytics.Propensity;

/// <summary>
/// k-fold assignment stratified by label: the positives and the negatives are each shuffled with the seed and dealt
/// round-robin to the folds, so every fold has the same share of each class (±1). A row is one customer, so the folds
/// are by customer too: no customer is in a training and a validation fold at once.
/// </summary>
public static class StratifiedFolds
{
    /// <summary>The fold (0…k−1) of each row.</summary>
    public static int[] Assign(IReadOnlyList<bool> labels, int folds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var random = new Random(seed);
        var assignment = new int[labels.Count];
        foreach (var cls in new[] { true, false })
        {
            var members = Enumerable.Range(0, labels.Count).Where(i => labels[i] == cls).ToArray();
            random.Shuffle(members);
            for (var k = 0; k < members.Length; k++)
            {
                assignment[members[k]] = k % folds;
            }
        }
        return assignment;
    }
}
