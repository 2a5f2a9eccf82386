namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Content-based fallback: items sharing category or attributes with what the user touched. With A_i the set of
/// attributes of item i (e.g. <c>category=Mugs</c>), sim(i, j) = |A_i ∩ A_j| / √(|A_i|·|A_j|) (cosine over binary
/// attribute vectors) and the score of j for u is Σ_{i ∈ items(u)} r_ui · sim(i, j). Reaches items nobody has bought yet.
/// </summary>
public sealed class ContentRecommender : IRecommender
{
    private readonly InteractionMatrix _matrix;
    private readonly int[][] _attributesOf;
    private readonly int[][] _itemsWith;

    /// <param name="attributes">Attributes per item id; items without any get no content score.</param>
    public ContentRecommender(InteractionMatrix matrix, IReadOnlyDictionary<string, IReadOnlyCollection<string>> attributes)
    {
        _matrix = matrix;
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var holders = new List<List<int>>();
        _attributesOf = new int[matrix.ItemCount][];
        for (var i = 0; i < matrix.ItemCount; i++)
        {
            if (!attributes.TryGetValue(matrix.Items[i], out var own)) { _attributesOf[i] = []; continue; }
            var ids = new List<int>();
            foreach (var a in own.Distinct(StringComparer.Ordinal))
            {
                if (!names.TryGetValue(a, out var id)) { names[a] = id = names.Count; holders.Add([]); }
                ids.Add(id);
                holders[id].Add(i);
            }
            _attributesOf[i] = [.. ids];
        }
        _itemsWith = [.. holders.Select(h => h.ToArray())];
    }

    public string Name => "content";

    public void Score(int user, Span<double> scores)
    {
        scores.Clear();
        var items = _matrix.ItemsOf(user);
        var values = _matrix.ValuesOf(user);
        for (var a = 0; a < items.Length; a++)
        {
            var own = _attributesOf[items[a]];
            if (own.Length == 0) continue;
            foreach (var attribute in own)
                foreach (var j in _itemsWith[attribute])
                    if (j != items[a]) scores[j] += values[a] / Math.Sqrt((double)own.Length * _attributesOf[j].Length);
        }
    }
}
