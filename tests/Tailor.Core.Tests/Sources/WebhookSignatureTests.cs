using System.Text;
using Tailor.Core.Sources;

namespace Tailor.Core.Tests.Sources;

/// <summary>HMAC-SHA256 signatures, checked against RFC 4231's published test vector.</summary>
public sealed class WebhookSignatureTests
{
    // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    private const string Rfc4231Hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    private static readonly byte[] Data = Encoding.ASCII.GetBytes("what do ya want for nothing?");

    [Fact]
    public void The_signature_is_RFC_4231s_HMAC_SHA256_in_hex_and_base64()
    {
        Assert.Equal(Rfc4231Hex, WebhookSignature.Sign("Jefe", Data, "hex"));
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(Rfc4231Hex)), WebhookSignature.Sign("Jefe", Data, "base64"));
    }

    [Fact]
    public void A_matching_signature_verifies_with_its_prefix_and_encoding()
    {
        Assert.True(WebhookSignature.Verify("Jefe", Data, Rfc4231Hex, "hex"));
        Assert.True(WebhookSignature.Verify("Jefe", Data, Rfc4231Hex.ToUpperInvariant(), "hex"));
        Assert.True(WebhookSignature.Verify("Jefe", Data, "sha256=" + Rfc4231Hex, "hex", "sha256="));
        Assert.True(WebhookSignature.Verify("Jefe", Data, Convert.ToBase64String(Convert.FromHexString(Rfc4231Hex)), "base64"));
    }

    [Theory]
    [InlineData("Jefe", "what do ya want for nothing!", Rfc4231Hex)] // the body changed
    [InlineData("jefe", "what do ya want for nothing?", Rfc4231Hex)] // another secret
    [InlineData("Jefe", "what do ya want for nothing?", "5bdcc146")] // a prefix of the digest
    [InlineData("Jefe", "what do ya want for nothing?", "not hex at all")]
    [InlineData("Jefe", "what do ya want for nothing?", "")]
    public void Anything_else_does_not_verify(string secret, string body, string header)
    {
        Assert.False(WebhookSignature.Verify(secret, Encoding.ASCII.GetBytes(body), header, "hex"));
    }

    [Fact]
    public void A_missing_prefix_does_not_verify()
    {
        Assert.False(WebhookSignature.Verify("Jefe", Data, Rfc4231Hex, "hex", "sha256="));
    }
}
