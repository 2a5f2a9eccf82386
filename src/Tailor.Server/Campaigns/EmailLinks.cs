using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Tailor.Core.Content;
using Tailor.Core.Storage;
using Tailor.Server.Hosting;

namespace Tailor.Server.Campaigns;

/// <summary>
/// Builds the signed links an email carries — unsubscribe, open pixel, click redirect — under the node's public URL
/// (<c>TAILOR_PUBLIC_URL</c>, else the address it listens on). The signing key is made once and kept in the store, so
/// links keep working across restarts and on every node.
/// </summary>
public sealed class EmailLinks(IContentStore store, TailorServerOptions options, IServer server, TimeProvider time)
{
    private const string SecretKind = "secret";
    private const string SecretName = "email-links";
    private SignedToken? _tokens;

    public async ValueTask<SignedToken> TokensAsync(CancellationToken ct)
    {
        if (_tokens is not null) return _tokens;
        var now = time.GetUtcNow();
        // Insert-if-absent, then read: two nodes starting together agree on one key.
        await store.SaveContentAsync(new ContentDocument(SecretKind, SecretName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), now, now), createOnly: true, ct);
        var stored = await store.GetContentAsync(SecretKind, SecretName, ct);
        return _tokens = new SignedToken(Convert.FromBase64String(stored!.Json));
    }

    public string BaseUrl => (options.PublicUrl ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Urls).TrimEnd('/');

    /// <param name="origin">What sends the email (<c>campaign:{id}</c>, <c>trigger:{id}</c>).</param>
    public async ValueTask<RecipientLinks> ForAsync(string origin, string profileId, CancellationToken ct)
    {
        var tokens = await TokensAsync(ct);
        var root = BaseUrl;
        return new RecipientLinks(
            $"{root}/e/u/{tokens.Sign(Purpose.Unsubscribe, origin, profileId)}",
            $"{root}/e/o/{tokens.Sign(Purpose.Open, origin, profileId)}",
            url => $"{root}/e/c/{tokens.Sign(Purpose.Click, origin, profileId, url)}");
    }

    public static class Purpose
    {
        public const string Unsubscribe = "u";
        public const string Open = "o";
        public const string Click = "c";
    }
}

/// <summary>The links of one email to one profile.</summary>
public sealed record RecipientLinks(string Unsubscribe, string OpenPixel, Func<string, string> Click)
{
    /// <summary>A preview's: links go where the template says, untracked; no pixel is loaded; unsubscribe goes nowhere.</summary>
    public static RecipientLinks Inert { get; } = new("#unsubscribe", "data:,", url => url);
}
