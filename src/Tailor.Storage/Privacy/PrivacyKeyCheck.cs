using Tailor.Core.Privacy;
using Tailor.Storage.Relational;

namespace Tailor.Storage.Privacy;

/// <summary>
/// Refuses to open a database with a key ring that does not match its data (a new key file made by accident, the wrong
/// environment): each data key version leaves a probe (a ciphertext of a fixed text) and the lookup key a keyed hash
/// of one; a ring that holds a probed version but cannot open its probe, or hashes differently, is the wrong ring.
/// </summary>
internal static class PrivacyKeyCheck
{
    private const string ProbeText = "tailor privacy key probe";

    public static async Task VerifyAsync(SqlDatabase db, TimeProvider time, CancellationToken ct)
    {
        var protection = db.Protection;
        if (!protection.Enabled) return;
        var lookupProbe = protection.KeyedHash("probe", ProbeText)!;
        await db.WriteAsync(async (c, t) =>
        {
            var probes = await Db.ListAsync(c, t, "SELECT version, probe, lookup_probe FROM privacy_keys ORDER BY version",
                r => (Version: Convert.ToInt32(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), Probe: r.GetString(1), Lookup: r.GetString(2)), ct);
            foreach (var probe in probes)
            {
                if (probe.Lookup != lookupProbe)
                    throw new InvalidOperationException("The privacy key ring does not match this database: its lookup key differs from the one the data was written with (docs/security.md, \"If the key file is lost\").");
                if (FieldCipher.VersionOf(probe.Probe) is var version && version > 0
                    && protection.RevealText(probe.Probe, "", Scope(probe.Version)) is var opened && opened == probe.Probe
                    && KnowsVersion(protection, probe.Probe))
                    throw new InvalidOperationException($"The privacy key ring does not match this database: data key version {probe.Version} cannot open what it wrote.");
            }
            if (!probes.Exists(p => p.Version == protection.ActiveVersion))
            {
                await SqlEncryptionStore.SettleIfEmptyAsync(c, t, protection.ActiveVersion, time.GetUtcNow(), ct);
                await Db.ExecuteAsync(c, t, "INSERT INTO privacy_keys (version, probe, lookup_probe, created_at) VALUES (@v, @p, @l, @at)", ct,
                    ("v", protection.ActiveVersion), ("p", protection.ProtectAlways(ProbeText, Scope(protection.ActiveVersion))), ("l", lookupProbe),
                    ("at", Db.Ms(time.GetUtcNow())));
            }
            return 0;
        }, ct);
    }

    private static string Scope(int version) => "privacy_keys:" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A probe of a version this ring no longer holds (retired after a finished pass) is no mismatch.</summary>
    private static bool KnowsVersion(PersonalDataProtection protection, string probe) => protection.HoldsVersion(FieldCipher.VersionOf(probe));
}
