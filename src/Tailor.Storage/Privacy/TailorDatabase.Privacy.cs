using Tailor.Core.Storage;
using Tailor.Storage.Privacy;

namespace Tailor.Storage;

public sealed partial class TailorDatabase
{
    private IPrivacyStore? _privacy;

    /// <summary>Erasure, suppression entries, event retention and consent history (docs/privacy.md).</summary>
    public IPrivacyStore Privacy => _privacy ??= new SqlPrivacyStore(_database);

    /// <summary>
    /// The tables an erasure deletes a person's rows from by their profile id (besides <c>profiles</c>, <c>event_profiles</c>
    /// and <c>merges</c>): a test checks that every table of the schema with a profile id column is listed here.
    /// </summary>
    public static IReadOnlyList<string> TablesErasedByProfile => SqlPrivacyStore.ProfileTables;
}
