using System.Security.Cryptography;
using System.Text;

namespace Tailor.Server.Triggers;

/// <summary>
/// The signature a webhook receiver checks: <c>X-Tailor-Signature: sha256=HEX</c>, the HMAC-SHA256 of
/// <c>"{timestamp}.{body}"</c> with the trigger's secret, where <c>X-Tailor-Timestamp</c> is Unix seconds. Signing
/// the timestamp lets a receiver refuse old replays.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Tailor-Signature";
    public const string TimestampHeader = "X-Tailor-Timestamp";
    public const string IdempotencyHeader = "Idempotency-Key";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>Constant-time check of a received signature.</summary>
    public static bool Verify(string secret, long timestamp, string body, string signature) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}
