using Tailor.Core.Sources;
using Tailor.Storage.Sources;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private ISourceStore? _sources;

    /// <summary>Connector sources and their pull cursors (docs/connectors.md).</summary>
    public ISourceStore Sources => _sources ??= new SqlSourceStore(_database);
}
