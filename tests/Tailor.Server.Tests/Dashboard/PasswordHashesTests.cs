using Tailor.Application.Users;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// The password hash against independent results: the published PBKDF2-HMAC-SHA512 test vector (P="password",
/// S="salt", c=1; RFC 6070's inputs, as listed for SHA-512 in the widely used vector set), and hashes made by Python's
/// <c>hashlib.pbkdf2_hmac</c>:
/// <code>
/// s = bytes(range(16)); base64.b64encode(hashlib.pbkdf2_hmac('sha512', PASSWORD.encode(), s, 1000, 32))
/// </code>
/// </summary>
public sealed class PasswordHashesTests
{
    /// <summary>PBKDF2-HMAC-SHA512("password", "salt", 1, 64); the stored hash keeps its first 32 bytes.</summary>
    private const string PublishedVector = "867f70cf1ade02cff3752599a3a53dc4af34c7a669815ae5d513554e1c8cf252c02d470a285a0501bad999bfe943c08f050235d7d68b1da55e63f73b60a57fce";

    [Fact]
    public void The_hash_is_pbkdf2_hmac_sha512_as_published()
    {
        var stored = PasswordHashes.Format("password", "salt"u8.ToArray(), 1);
        var parts = stored.Split('$');
        Assert.Equal(["pbkdf2-sha512", "1", Convert.ToBase64String("salt"u8)], parts[..3]);
        Assert.Equal(PublishedVector[..64], Convert.ToHexStringLower(Convert.FromBase64String(parts[3])));
    }

    [Theory]
    [InlineData("correct horse battery staple", "pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw==$A6AmFIti7CKlYdoPiV9jf1d9llp37o27Wms8Zx8fwMI=")]
    [InlineData("pässwörd-ünïcode", "pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw==$IhDuka0Q223z5VR4SzGk/nH9ERWNkAacSz5jlPk2ZCc=")]
    public void A_hash_made_by_python_verifies_and_asks_to_be_made_again_with_more_rounds(string password, string python)
    {
        Assert.True(PasswordHashes.Verify(password, python));
        Assert.False(PasswordHashes.Verify(password + "x", python));
        Assert.True(PasswordHashes.NeedsRehash(python)); // 1,000 rounds, fewer than today's
    }

    [Fact]
    public void A_new_hash_is_salted_with_todays_rounds_and_never_holds_the_password()
    {
        var first = PasswordHashes.Hash("correct horse battery staple");
        var second = PasswordHashes.Hash("correct horse battery staple");
        Assert.NotEqual(first, second); // a fresh salt each time
        Assert.Equal($"pbkdf2-sha512${PasswordHashes.Iterations}", string.Join('$', first.Split('$')[..2]));
        Assert.True(PasswordHashes.Verify("correct horse battery staple", first));
        Assert.False(PasswordHashes.NeedsRehash(first));
        Assert.DoesNotContain("horse", first, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha512$1000$not base64$AAAA")]
    [InlineData("pbkdf2-sha512$999999999$AAECAwQFBgcICQoLDA0ODw==$A6AmFIti7CKlYdoPiV9jf1d9llp37o27Wms8Zx8fwMI=")] // more rounds than allowed
    [InlineData("sha1$1000$AAECAwQFBgcICQoLDA0ODw==$A6AmFIti7CKlYdoPiV9jf1d9llp37o27Wms8Zx8fwMI=")]
    public void A_malformed_stored_hash_matches_nothing(string stored) => Assert.False(PasswordHashes.Verify("correct horse battery staple", stored));
}
