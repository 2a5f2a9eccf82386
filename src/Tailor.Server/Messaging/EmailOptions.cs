namespace Tailor.Server.Messaging;

/// <summary>
/// How Tailor's email reaches inboxes (docs/email.md): the SMTP login and transport security, and DKIM signing. Bound
/// from <c>Tailor:Email</c>; <c>tailor serve</c> also reads the <c>TAILOR_SMTP_*</c> and <c>TAILOR_DKIM_*</c> variables
/// (<see cref="ReadEnvironment"/>). The password and the DKIM key are secrets: never logged nor returned by the API.
/// </summary>
public sealed class EmailOptions
{
    /// <summary>Connect in clear, then STARTTLS if the server offers it, unless a login is configured (then STARTTLS is required); implicit TLS on port 465.</summary>
    public const string Auto = "auto";

    /// <summary>STARTTLS is required: a server that does not offer it is not sent to.</summary>
    public const string StartTls = "starttls";

    /// <summary>Implicit TLS from the first byte (SMTPS, usually port 465).</summary>
    public const string Tls = "tls";

    /// <summary>No TLS at all, even if the server offers it (a relay on loopback).</summary>
    public const string None = "none";

    /// <summary>The user name for SMTP AUTH (<c>TAILOR_SMTP_USER</c>); none by default (no login).</summary>
    public string? SmtpUser { get; set; }

    /// <summary>The SMTP AUTH password (<c>TAILOR_SMTP_PASSWORD</c>); required with <see cref="SmtpUser"/>.</summary>
    public string? SmtpPassword { get; set; }

    /// <summary><c>auto</c> (default), <c>starttls</c>, <c>tls</c> or <c>none</c> (<c>TAILOR_SMTP_SECURITY</c>).</summary>
    public string SmtpSecurity { get; set; } = Auto;

    /// <summary>
    /// A PEM file of certificates to trust for the SMTP server besides the system's (a private CA, or the server's own
    /// self-signed certificate) (<c>TAILOR_SMTP_CA</c>). The server's name must still match its certificate.
    /// </summary>
    public string? SmtpTrustedCertificates { get; set; }

    /// <summary>The DKIM private key, a PEM file (RSA, PKCS#1 or PKCS#8) (<c>TAILOR_DKIM_KEY</c>); no signing without it.</summary>
    public string? DkimKeyFile { get; set; }

    /// <summary>The DKIM selector: the public key is published at <c>SELECTOR._domainkey.DOMAIN</c> (<c>TAILOR_DKIM_SELECTOR</c>).</summary>
    public string? DkimSelector { get; set; }

    /// <summary>The signing domain (<c>d=</c>), normally the From address's domain (<c>TAILOR_DKIM_DOMAIN</c>).</summary>
    public string? DkimDomain { get; set; }

    /// <summary>True when a login is configured.</summary>
    public bool HasLogin => !string.IsNullOrEmpty(SmtpUser);

    /// <summary>Fills what the <c>TAILOR_SMTP_*</c> / <c>TAILOR_DKIM_*</c> variables set (what configuration binds later still wins).</summary>
    public void ReadEnvironment(Func<string, string?> variable)
    {
        static string? Value(string? v) => string.IsNullOrEmpty(v) ? null : v;
        SmtpUser = Value(variable("TAILOR_SMTP_USER")) ?? SmtpUser;
        SmtpPassword = Value(variable("TAILOR_SMTP_PASSWORD")) ?? SmtpPassword;
        SmtpSecurity = Value(variable("TAILOR_SMTP_SECURITY")) ?? SmtpSecurity;
        SmtpTrustedCertificates = Value(variable("TAILOR_SMTP_CA")) ?? SmtpTrustedCertificates;
        DkimKeyFile = Value(variable("TAILOR_DKIM_KEY")) ?? DkimKeyFile;
        DkimSelector = Value(variable("TAILOR_DKIM_SELECTOR")) ?? DkimSelector;
        DkimDomain = Value(variable("TAILOR_DKIM_DOMAIN")) ?? DkimDomain;
    }

    /// <summary>Each setting that breaks its rule, as <c>Key rule</c> (the key under <c>Tailor:Email:</c>); empty when all hold.</summary>
    public IEnumerable<string> Problems()
    {
        if (SmtpSecurity is not (Auto or StartTls or Tls or None))
            yield return $"{nameof(SmtpSecurity)} must be auto, starttls, tls or none, not '{SmtpSecurity}'";
        if (HasLogin && string.IsNullOrEmpty(SmtpPassword)) yield return $"{nameof(SmtpPassword)} is required with {nameof(SmtpUser)}";
        if (!HasLogin && !string.IsNullOrEmpty(SmtpPassword)) yield return $"{nameof(SmtpUser)} is required with {nameof(SmtpPassword)}";
        if (SmtpTrustedCertificates is { Length: > 0 } ca && !File.Exists(ca)) yield return $"{nameof(SmtpTrustedCertificates)} must be a readable PEM file; '{ca}' does not exist";
        var dkim = new[] { DkimKeyFile, DkimSelector, DkimDomain };
        if (dkim.Any(v => !string.IsNullOrEmpty(v)) && dkim.Any(string.IsNullOrEmpty))
            yield return $"{nameof(DkimKeyFile)}, {nameof(DkimSelector)} and {nameof(DkimDomain)} must be set together (DKIM signing needs all three)";
        else if (DkimKeyFile is { Length: > 0 } key && !File.Exists(key)) yield return $"{nameof(DkimKeyFile)} must be a readable PEM file; '{key}' does not exist";
    }
}
