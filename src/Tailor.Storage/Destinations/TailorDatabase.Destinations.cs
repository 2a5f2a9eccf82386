using Tailor.Core.Destinations;
using Tailor.Storage.Destinations;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private IDestinationStore? _destinations;

    /// <summary>Destinations, their counters and commits (docs/connectors.md).</summary>
    public IDestinationStore Destinations => _destinations ??= new SqlDestinationStore(_database);
}
