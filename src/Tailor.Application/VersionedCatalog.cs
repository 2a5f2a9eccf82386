namespace Tailor.Application;

/// <summary>
/// The definitions an engine evaluates with, and the store's definitions version they were read at (one reference, so
/// never a mixed pair). A reload reads the version first; a slower reload of an older version never replaces a newer one.
/// </summary>
public sealed class VersionedCatalog<TCatalog>(TCatalog empty) where TCatalog : class
{
    private sealed record Loaded(TCatalog Catalog, long Version);

    private Loaded _loaded = new(empty, -1);
    private readonly Lock _gate = new();

    public TCatalog Current => _loaded.Catalog;

    /// <summary>Whether the store's version has moved since the current catalog was read.</summary>
    public bool IsStale(long storeVersion) => storeVersion != _loaded.Version;

    public void Publish(TCatalog catalog, long version)
    {
        lock (_gate)
            if (version >= _loaded.Version) _loaded = new(catalog, version);
    }
}
