using System.Security.Cryptography;
using System.Text;

namespace Tailor.Core.Destinations;

/// <summary>
/// Identifiers as ad platforms' custom-audience APIs take them: an email trimmed and lower-cased, then SHA-256 in
/// lower-case hex (the normalisation Google Customer Match and Meta Custom Audiences document).
/// </summary>
public static class AudienceIdentifiers
{
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string HashEmail(string email) => Sha256Hex(NormalizeEmail(email));

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
