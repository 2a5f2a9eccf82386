using Tailor.Core.Storage;
using Tailor.Storage.Privacy;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private IPrivacyStore? _privacy;

    /// <summary>Erasure, suppression entries, event retention and consent history (docs/privacy.md).</summary>
    public IPrivacyStore Privacy => _privacy ??= new SqlPrivacyStore(_database);
}
