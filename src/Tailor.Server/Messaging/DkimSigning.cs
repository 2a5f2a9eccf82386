using MimeKit;
using MimeKit.Cryptography;

namespace Tailor.Server.Messaging;

/// <summary>
/// Signs outgoing mail with DKIM (RFC 6376) through MimeKit's <see cref="DkimSigner"/>: rsa-sha256, relaxed/relaxed
/// canonicalization (it survives the header folding and whitespace changes relays make), and the headers a receiver
/// judges — From (required), To, Cc, Reply-To, Subject, Date, Message-ID, the MIME headers, and List-Unsubscribe with
/// List-Unsubscribe-Post (RFC 8058 asks that one-click unsubscribe be covered by the signature). The message is first
/// prepared for 7-bit transport, so no relay needs to re-encode (which would break the body hash).
/// </summary>
public sealed class DkimSigning
{
    /// <summary>The headers signed when the message has them, in this order.</summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
    [
        "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "List-Unsubscribe", "List-Unsubscribe-Post",
    ];

    private readonly DkimSigner _signer;

    private DkimSigning(DkimSigner signer) => _signer = signer;

    /// <summary>The signer the options configure, or null when DKIM is not configured.</summary>
    /// <exception cref="FormatException">The key file cannot be read as a PEM private key (the message never holds the key).</exception>
    public static DkimSigning? From(EmailOptions options)
    {
        if (options.DkimKeyFile is not { Length: > 0 } file || options.DkimDomain is not { Length: > 0 } domain || options.DkimSelector is not { Length: > 0 } selector)
            return null;
        try
        {
            return new DkimSigning(new DkimSigner(file, domain, selector, DkimSignatureAlgorithm.RsaSha256)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                QueryMethod = "dns/txt",
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or NotSupportedException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            throw new FormatException($"Tailor:Email:DkimKeyFile '{file}' could not be read as a PEM private key ({e.GetType().Name}).", e);
        }
    }

    /// <summary>Prepares <paramref name="message"/> for 7-bit transport and adds its DKIM-Signature header.</summary>
    public void Sign(MimeMessage message)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        var present = new List<string>(SignedHeaders.Count);
        foreach (var header in SignedHeaders)
            if (message.Headers.Contains(header)) present.Add(header);
        _signer.Sign(message, present);
    }
}
