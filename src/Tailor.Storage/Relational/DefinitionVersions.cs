using System.Data.Common;
using System.Globalization;

namespace Tailor.Storage.Relational;

/// <summary>
/// The counter of each kind of definition (table <c>definition_versions</c>): raised in the transaction that saves or
/// deletes a definition, read by the stage that evaluates them, which reloads when it moved. One cheap read per batch
/// instead of re-reading and re-compiling every definition.
/// </summary>
internal static class DefinitionVersions
{
    public const string Segments = "segments";
    public const string Triggers = "triggers";

    public static Task RaiseAsync(DbConnection connection, DbTransaction transaction, string kind, CancellationToken ct) =>
        Db.ExecuteAsync(connection, transaction, "UPDATE definition_versions SET version = version + 1 WHERE kind = @kind", ct, ("kind", kind));

    public static async Task<long> ReadAsync(SqlDatabase db, string kind, CancellationToken ct)
    {
        await using var connection = await db.OpenReadAsync(ct);
        var value = await Db.ScalarAsync(connection, null, "SELECT version FROM definition_versions WHERE kind = @kind", ct, ("kind", kind));
        return Convert.ToInt64(value ?? 0L, CultureInfo.InvariantCulture);
    }
}
