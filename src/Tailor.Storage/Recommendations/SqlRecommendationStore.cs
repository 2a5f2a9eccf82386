using System.Data.Common;
using System.Globalization;
using Tailor.Core.Content;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Recommendations;

/// <summary>Precomputed recommendations (tables <c>recommendation_served</c>, <c>recommendation_items</c>, <c>item_neighbours</c>, <c>profile_recommendations</c>).</summary>
internal sealed class SqlRecommendationStore(SqlDatabase db) : IRecommendationStore
{
    // Rows per INSERT: few round trips, far below SQLite's 32,766 parameters.
    private const int RowsPerInsert = 200;
    private static readonly string[] RunTables = ["recommendation_items", "item_neighbours", "profile_recommendations"];

    public Task PromoteAsync(RecommendationSnapshot snapshot, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) =>
        {
            var previous = (string?)await Db.ScalarAsync(c, t, "SELECT run FROM recommendation_served WHERE kind = @kind", cancellationToken, ("kind", snapshot.Kind));
            foreach (var run in new[] { previous, snapshot.Run })
            {
                if (run is null) continue;
                foreach (var table in RunTables)
                    await Db.ExecuteAsync(c, t, $"DELETE FROM {table} WHERE run = @run", cancellationToken, ("run", run));
            }
            await InsertAsync(c, t, "recommendation_items (run, item, name, price, url, image_url, category, orders, views)", snapshot.Items,
                i => [snapshot.Run, i.Id, i.Name, i.Price?.ToString(CultureInfo.InvariantCulture), i.Url, i.ImageUrl, i.Category, i.Orders, i.Views], cancellationToken);
            await InsertAsync(c, t, "item_neighbours (run, item, rank, neighbour, score, model)", Ranked(snapshot.Neighbours, n => n.Item),
                n => [snapshot.Run, n.Row.Item, n.Rank, n.Row.Neighbour, n.Row.Score, snapshot.Model], cancellationToken);
            await InsertAsync(c, t, "profile_recommendations (run, profile_id, rank, item, score)", Ranked(snapshot.Profiles, p => p.ProfileId),
                p => [snapshot.Run, p.Row.ProfileId, p.Rank, p.Row.Item, p.Row.Score], cancellationToken);
            await Db.ExecuteAsync(c, t, """
                INSERT INTO recommendation_served (kind, run, model, promoted_at) VALUES (@kind, @run, @model, @at)
                ON CONFLICT (kind) DO UPDATE SET run = excluded.run, model = excluded.model, promoted_at = excluded.promoted_at
                """, cancellationToken, ("kind", snapshot.Kind), ("run", snapshot.Run), ("model", snapshot.Model), ("at", Db.Ms(snapshot.At)));
            return 0;
        }, cancellationToken, background: true);

    public async Task<string?> ServedRunAsync(string kind, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return (string?)await Db.ScalarAsync(c, null, "SELECT run FROM recommendation_served WHERE kind = @kind", cancellationToken, ("kind", kind));
    }

    public async Task<IReadOnlyList<RecommendedItem>> ForProfileAsync(string profileId, int limit, string? category, CancellationToken cancellationToken)
    {
        if (limit <= 0) return [];
        await using var c = await db.OpenReadAsync(cancellationToken);
        (string, object?)[] parameters = category is null
            ? [("profile", profileId), ("limit", limit)]
            : [("profile", profileId), ("limit", limit), ("category", category)];
        return await Db.ListAsync(c, $"""
            SELECT i.item, i.name, i.price, i.url, i.image_url, i.orders, i.views
            FROM profile_recommendations p
            JOIN recommendation_items i ON i.run = p.run AND i.item = p.item
            WHERE p.run = (SELECT run FROM recommendation_served WHERE kind = 'recommend') AND p.profile_id = @profile{(category is null ? "" : " AND i.category = @category")}
            ORDER BY p.rank
            LIMIT @limit
            """, ReadItem, cancellationToken, parameters);
    }

    public async Task<IReadOnlyList<RecommendedItem>> RelatedAsync(string item, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0) return [];
        await using var c = await db.OpenReadAsync(cancellationToken);
        // Rules first (explicit co-purchase), then the model's neighbours; the item's details come from whichever run listed it.
        // Each run is looked up by its key (a scalar subquery), so the planner walks the primary keys whatever its statistics.
        var rows = await Db.ListAsync(c, """
            SELECT i.item, i.name, i.price, i.url, i.image_url, i.orders, i.views, 0 AS source, n.rank
            FROM item_neighbours n JOIN recommendation_items i ON i.run = n.run AND i.item = n.neighbour
            WHERE n.run = (SELECT run FROM recommendation_served WHERE kind = 'rules') AND n.item = @item
            UNION ALL
            SELECT i.item, i.name, i.price, i.url, i.image_url, i.orders, i.views, 1 AS source, n.rank
            FROM item_neighbours n JOIN recommendation_items i ON i.run = n.run AND i.item = n.neighbour
            WHERE n.run = (SELECT run FROM recommendation_served WHERE kind = 'recommend') AND n.item = @item
            ORDER BY source, rank
            LIMIT @limit
            """, ReadItem, cancellationToken, ("item", item), ("limit", 2 * limit));
        var seen = new HashSet<string>(StringComparer.Ordinal) { item };
        return [.. rows.Where(r => seen.Add(r.Id)).Take(limit)];
    }

    private static RecommendedItem ReadItem(DbDataReader r) => new(
        r.GetString(0), r.NullableString(1),
        r.NullableString(2) is { } price ? decimal.Parse(price, CultureInfo.InvariantCulture) : null,
        r.NullableString(3), r.NullableString(4), r.GetInt64(5), r.GetInt64(6));

    /// <summary>Each row with its 1-based rank within its group (rows of a group are consecutive, best first).</summary>
    private static IEnumerable<(T Row, int Rank)> Ranked<T>(IEnumerable<T> rows, Func<T, string> group)
    {
        string? current = null;
        var rank = 0;
        foreach (var row in rows)
        {
            var g = group(row);
            rank = g == current ? rank + 1 : 1;
            current = g;
            yield return (row, rank);
        }
    }

    private static async Task InsertAsync<T>(DbConnection c, DbTransaction t, string into, IEnumerable<T> rows, Func<T, object?[]> values, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(RowsPerInsert))
        {
            var parameters = new List<(string, object?)>();
            var tuples = new List<string>(chunk.Length);
            foreach (var row in chunk)
            {
                var v = values(row);
                var names = new string[v.Length];
                for (var k = 0; k < v.Length; k++)
                {
                    names[k] = $"@v{parameters.Count}";
                    parameters.Add(($"v{parameters.Count}", v[k]));
                }
                tuples.Add($"({string.Join(", ", names)})");
            }
            await Db.ExecuteAsync(c, t, $"INSERT INTO {into} VALUES {string.Join(", ", tuples)}", ct, [.. parameters]);
        }
    }
}
