namespace Tailor.Analytics.Recommendations;

/// <summary>
/// The user × item matrix of summed interaction weights, sparse, held both ways: by user (the items each user touched,
/// ascending item index) and by item (the users of each item, ascending user index). Users and items are numbered in
/// order of first appearance; the ids are kept to map back.
/// </summary>
public sealed class InteractionMatrix
{
    private InteractionMatrix(string[] users, string[] items, int[] userStart, int[] userItems, double[] userValues)
    {
        _users = users;
        _items = items;
        UserStart = userStart;
        UserItems = userItems;
        UserValues = userValues;
        (ItemStart, ItemUsers, ItemValues) = Transpose(items.Length, userStart, userItems, userValues);
    }

    private readonly string[] _users;
    private readonly string[] _items;
    private Dictionary<string, int>? _itemIndex;
    private Dictionary<string, int>? _userIndex;

    public IReadOnlyList<string> Users => _users;
    public IReadOnlyList<string> Items => _items;
    public int UserCount => Users.Count;
    public int ItemCount => Items.Count;
    public int NonZeros => UserItems.Length;

    internal int[] UserStart { get; }
    internal int[] UserItems { get; }
    internal double[] UserValues { get; }
    internal int[] ItemStart { get; }
    internal int[] ItemUsers { get; }
    internal double[] ItemValues { get; }

    /// <summary>The items of one user (ascending index) and their summed weights.</summary>
    public ReadOnlySpan<int> ItemsOf(int user) => UserItems.AsSpan(UserStart[user], UserStart[user + 1] - UserStart[user]);

    public ReadOnlySpan<double> ValuesOf(int user) => UserValues.AsSpan(UserStart[user], UserStart[user + 1] - UserStart[user]);

    /// <summary>The users of one item (ascending index) and their summed weights.</summary>
    public ReadOnlySpan<int> UsersOf(int item) => ItemUsers.AsSpan(ItemStart[item], ItemStart[item + 1] - ItemStart[item]);

    public ReadOnlySpan<double> ItemValuesOf(int item) => ItemValues.AsSpan(ItemStart[item], ItemStart[item + 1] - ItemStart[item]);

    /// <summary>
    /// Builds the matrix. Interactions with a weight ≤ 0 are ignored. <paramref name="catalogue"/> (optional) adds
    /// items nobody has touched yet, so content-based scores and coverage can reach them.
    /// </summary>
    public static InteractionMatrix From(IEnumerable<Interaction> interactions, IEnumerable<string>? catalogue = null)
    {
        var users = new Dictionary<string, int>(StringComparer.Ordinal);
        var items = new Dictionary<string, int>(StringComparer.Ordinal);
        var cells = new Dictionary<long, double>();
        foreach (var i in interactions)
        {
            if (!(i.Weight > 0) || double.IsInfinity(i.Weight)) continue;
            var u = Index(users, i.User);
            var it = Index(items, i.Item);
            var key = ((long)u << 32) | (uint)it;
            cells[key] = cells.GetValueOrDefault(key) + i.Weight;
        }
        if (catalogue is not null) foreach (var item in catalogue) Index(items, item);
        return FromCells(Names(users), Names(items), cells);
    }

    /// <summary>A matrix with the same users and items but every non-zero replaced by <paramref name="map"/>(value) (e.g. binary, log1p).</summary>
    public InteractionMatrix Map(Func<double, double> map)
    {
        var values = new double[UserValues.Length];
        for (var k = 0; k < values.Length; k++) values[k] = map(UserValues[k]);
        return new InteractionMatrix(_users, _items, UserStart, UserItems, values);
    }

    /// <summary>The index of an item id, or -1.</summary>
    public int IndexOfItem(string item) => (_itemIndex ??= IndexBy(_items)).GetValueOrDefault(item, -1);

    /// <summary>The index of a user id, or -1.</summary>
    public int IndexOfUser(string user) => (_userIndex ??= IndexBy(_users)).GetValueOrDefault(user, -1);

    private static Dictionary<string, int> IndexBy(string[] ids)
    {
        var map = new Dictionary<string, int>(ids.Length, StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) map[ids[i]] = i;
        return map;
    }

    internal static InteractionMatrix FromCells(string[] users, string[] items, Dictionary<long, double> cells)
    {
        var counts = new int[users.Length + 1];
        foreach (var key in cells.Keys) counts[(int)(key >> 32) + 1]++;
        for (var u = 0; u < users.Length; u++) counts[u + 1] += counts[u];
        var next = (int[])counts.Clone();
        var columns = new int[cells.Count];
        var values = new double[cells.Count];
        foreach (var (key, value) in cells)
        {
            var at = next[(int)(key >> 32)]++;
            columns[at] = (int)(key & 0xffffffff);
            values[at] = value;
        }
        for (var u = 0; u < users.Length; u++) Array.Sort(columns, values, counts[u], counts[u + 1] - counts[u]);
        return new InteractionMatrix(users, items, counts, columns, values);
    }

    private static (int[] Start, int[] Rows, double[] Values) Transpose(int columns, int[] start, int[] index, double[] values)
    {
        var counts = new int[columns + 1];
        foreach (var c in index) counts[c + 1]++;
        for (var c = 0; c < columns; c++) counts[c + 1] += counts[c];
        var next = (int[])counts.Clone();
        var rows = new int[index.Length];
        var tValues = new double[index.Length];
        for (var r = 0; r + 1 < start.Length; r++)
            for (var k = start[r]; k < start[r + 1]; k++)
            {
                var at = next[index[k]]++;
                rows[at] = r;
                tValues[at] = values[k];
            }
        return (counts, rows, tValues);
    }

    private static int Index(Dictionary<string, int> map, string id)
    {
        if (!map.TryGetValue(id, out var i)) map[id] = i = map.Count;
        return i;
    }

    private static string[] Names(Dictionary<string, int> map)
    {
        var names = new string[map.Count];
        foreach (var (name, i) in map) names[i] = name;
        return names;
    }
}
