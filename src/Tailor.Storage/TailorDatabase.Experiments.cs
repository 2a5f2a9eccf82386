using Tailor.Core.Storage;
using Tailor.Storage.Experiments;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private IExperimentStore? _experiments;

    /// <summary>Experiments, their first exposures and metric sums (docs/experiments.md).</summary>
    public IExperimentStore Experiments => _experiments ??= new SqlExperimentStore(_database);
}
