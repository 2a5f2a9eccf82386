namespace Tailor.Storage.Relational;

/// <summary>One SQL statement with named parameters (<c>@name</c>), queued for a batch write.</summary>
public readonly record struct Statement(string Sql, params (string Name, object? Value)[] Parameters);

/// <summary>A schema migration: applied once, in version order, recorded in <c>schema_migrations</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>Loads the <c>NNNN_name.sql</c> scripts embedded under <paramref name="folder"/>, ordered by version.</summary>
    public static IReadOnlyList<Migration> FromResources(string folder)
    {
        var assembly = typeof(Migration).Assembly;
        var prefix = $"{assembly.GetName().Name}.{folder}.Migrations.";
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var file = resource[prefix.Length..^".sql".Length];
            var version = int.Parse(file.AsSpan(0, file.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            list.Add(new Migration(version, file, reader.ReadToEnd()));
        }
        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        return list;
    }
}
