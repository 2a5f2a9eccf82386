using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Tailor.Server.Tests.Messaging;

/// <summary>
/// A fresh RSA key written as a PEM file for the sender to sign with, and the DNS TXT record a receiver would publish
/// for it; <see cref="VerifyAsync"/> checks a delivered message with MimeKit's <see cref="DkimVerifier"/> against that
/// record (the locator stands in for DNS, which cannot be queried here, and checks the domain and selector asked for).
/// </summary>
public sealed class DkimTestKey : IDisposable
{
    public const string Domain = "shop.example";
    public const string Selector = "tailor2026";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"tailor-dkim-{Guid.NewGuid():N}");

    public DkimTestKey()
    {
        using var rsa = RSA.Create(2048);
        Directory.CreateDirectory(_directory);
        KeyFile = Path.Combine(_directory, "dkim.pem");
        File.WriteAllText(KeyFile, rsa.ExportRSAPrivateKeyPem());
        TxtRecord = $"v=DKIM1; k=rsa; p={Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())}";
    }

    public string KeyFile { get; }

    /// <summary>What <c>tailor2026._domainkey.shop.example</c> would hold.</summary>
    public string TxtRecord { get; }

    /// <summary>Whether the message's DKIM-Signature verifies against <see cref="TxtRecord"/>.</summary>
    public async Task<bool> VerifyAsync(MimeMessage message)
    {
        var index = message.Headers.IndexOf(HeaderId.DkimSignature);
        Assert.True(index >= 0, "the message has no DKIM-Signature header");
        var verifier = new DkimVerifier(new Locator(TxtRecord));
        return await verifier.VerifyAsync(message, message.Headers[index], TestContext.Current.CancellationToken);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class Locator(string txt) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
        {
            Assert.Equal((Domain, Selector), (domain, selector));
            return GetPublicKey(txt);
        }

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
