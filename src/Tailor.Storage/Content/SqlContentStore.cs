using System.Data.Common;
using System.Text.Json;
using Tailor.Core.Storage;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Content;

/// <summary>Content documents (table <c>content</c>) and the recent events popular items are counted from.</summary>
internal sealed class SqlContentStore(SqlDatabase db) : IContentStore
{
    public async Task<IReadOnlyList<ContentDocument>> ListContentAsync(string kind, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        return await Db.ListAsync(c, "SELECT kind, name, document, created_at, updated_at FROM content WHERE kind = @kind ORDER BY name",
            ReadDocument, cancellationToken, ("kind", kind));
    }

    public async Task<ContentDocument?> GetContentAsync(string kind, string name, CancellationToken cancellationToken)
    {
        await using var c = await db.OpenReadAsync(cancellationToken);
        var list = await Db.ListAsync(c, "SELECT kind, name, document, created_at, updated_at FROM content WHERE kind = @kind AND name = @name",
            ReadDocument, cancellationToken, ("kind", kind), ("name", name));
        return list.Count == 0 ? null : list[0];
    }

    public Task<bool> SaveContentAsync(ContentDocument document, bool createOnly, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, $"""
            INSERT INTO content (kind, name, document, created_at, updated_at) VALUES (@kind, @name, @document, @created, @updated)
            ON CONFLICT (kind, name) DO {(createOnly ? "NOTHING" : "UPDATE SET document = excluded.document, updated_at = excluded.updated_at")}
            """, cancellationToken, ("kind", document.Kind), ("name", document.Name), ("document", document.Json),
            ("created", Db.Ms(document.CreatedAt)), ("updated", Db.Ms(document.UpdatedAt))) == 1, cancellationToken);

    public Task<bool> DeleteContentAsync(string kind, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, t) => await Db.ExecuteAsync(c, t, "DELETE FROM content WHERE kind = @kind AND name = @name", cancellationToken,
            ("kind", kind), ("name", name)) == 1, cancellationToken);

    public async Task<IReadOnlyList<JsonElement>> RecentTrackEventsAsync(IReadOnlyCollection<string> names, int limit, CancellationToken cancellationToken)
    {
        if (names.Count == 0) return [];
        await using var c = await db.OpenReadAsync(cancellationToken);
        var parameters = names.Select((n, i) => ($"n{i}", (object?)n)).Append(("limit", limit)).ToArray();
        var sql = $"SELECT payload, source_id, message_id FROM events WHERE type = 'track' AND name IN ({string.Join(", ", names.Select((_, i) => $"@n{i}"))}) ORDER BY seq DESC LIMIT @limit";
        return await Db.ListAsync(c, sql, r => JsonDocument.Parse(db.RevealPayload(r.GetString(0), r.GetString(1), r.GetString(2))).RootElement, cancellationToken, parameters);
    }

    private static ContentDocument ReadDocument(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), ProfileColumns.FromMs(r.GetInt64(3)), ProfileColumns.FromMs(r.GetInt64(4)));
}
