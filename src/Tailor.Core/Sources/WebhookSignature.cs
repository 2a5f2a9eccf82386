using System.Security.Cryptography;
using System.Text;

namespace Tailor.Core.Sources;

/// <summary>
/// HMAC-SHA256 signatures of webhook bodies: Shopify's (<c>X-Shopify-Hmac-Sha256</c>, base64 of the HMAC of the raw
/// body) and a generic webhook's (a configured header, hex or base64, with an optional prefix such as <c>sha256=</c>).
/// Compared in constant time, so the answer's timing tells an attacker nothing about how close a guess was.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The HMAC-SHA256 of <paramref name="body"/> with <paramref name="secret"/> (UTF-8).</summary>
    public static byte[] Compute(string secret, ReadOnlySpan<byte> body) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);

    /// <summary>True when <paramref name="header"/> carries the body's signature as <paramref name="encoding"/> (<c>hex</c> or <c>base64</c>) after <paramref name="prefix"/>.</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? header, string encoding, string? prefix = null)
    {
        if (string.IsNullOrEmpty(header) || string.IsNullOrEmpty(secret)) return false;
        var text = header.Trim();
        if (!string.IsNullOrEmpty(prefix))
        {
            if (!text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
            text = text[prefix.Length..];
        }
        byte[] claimed;
        try
        {
            claimed = encoding == "base64" ? Convert.FromBase64String(text) : Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(claimed, Compute(secret, body));
    }

    /// <summary>The header value a sender puts on <paramref name="body"/> (for tests and for documentation examples).</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body, string encoding, string? prefix = null) =>
        (prefix ?? "") + (encoding == "base64" ? Convert.ToBase64String(Compute(secret, body)) : Convert.ToHexStringLower(Compute(secret, body)));
}
