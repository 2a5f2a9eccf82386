using Tailor.Core.Storage;
using Tailor.Storage.Audit;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private IAuditStore? _audit;

    /// <summary>The audit trail of admin reads and changes (docs/privacy.md).</summary>
    public IAuditStore Audit => _audit ??= new SqlAuditStore(_database);
}
