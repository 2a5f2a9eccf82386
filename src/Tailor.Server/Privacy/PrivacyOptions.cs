namespace Tailor.Server.Privacy;

/// <summary>What Tailor keeps about who did what (docs/privacy.md).</summary>
public sealed class PrivacyOptions
{
    /// <summary>How long audit entries are kept (default 400 days: a year and the time to look back on it).</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Encrypt the <see cref="EncryptedFields"/> at rest and store email/phone identities as keyed hashes (default true; docs/security.md).</summary>
    public bool EncryptAtRest { get; set; } = true;

    /// <summary>The privacy key file (data keys and lookup key, mode 0600); default: <c>privacy-keys.json</c> in the data directory, created on a first start.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The key file's JSON itself, for secret stores that hand it over as an environment variable (<c>TAILOR__PRIVACY__KEYS</c>); wins over <see cref="KeyFile"/>.</summary>
    public string? Keys { get; set; }

    /// <summary>Traits and properties encrypted at rest (default email, phone, firstName, lastName, first_name, last_name, name, address, ip).</summary>
    public string[]? EncryptedFields { get; set; }

    /// <summary>Rows the background re-encryption pass rewrites per transaction after a key rotation (default 500).</summary>
    public int RotationBatchSize { get; set; } = 500;
}
