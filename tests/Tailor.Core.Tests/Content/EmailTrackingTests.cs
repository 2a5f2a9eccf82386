using System.Text;
using Tailor.Core.Content;

namespace Tailor.Core.Tests.Content;

public sealed class EmailTrackingTests
{
    private readonly SignedToken _tokens = new(Encoding.UTF8.GetBytes("a secret of the tailor nodes 1234"));

    [Fact]
    public void A_token_verifies_with_its_fields_and_fails_when_altered()
    {
        var token = _tokens.Sign("u", "cmp_1", "prf_ann");
        Assert.Equal(["u", "cmp_1", "prf_ann"], _tokens.Verify(token)!);
        var other = _tokens.Sign("u", "cmp_1", "prf_bob");
        var forged = token[..token.IndexOf('.', StringComparison.Ordinal)] + other[other.IndexOf('.', StringComparison.Ordinal)..];
        Assert.Null(_tokens.Verify(forged));
        Assert.Null(_tokens.Verify(token[..^2]));
        Assert.Null(_tokens.Verify("garbage"));
        Assert.Null(new SignedToken(Encoding.UTF8.GetBytes("another key")).Verify(token));
    }

    [Fact]
    public void Links_are_wrapped_and_pixel_and_unsubscribe_added()
    {
        const string unsubscribe = "https://t.example/e/u/tok";
        var html = TrackedHtml.Decorate("<html><body><a href=\"https://shop.example/p?a=1&amp;b=2\">Shop</a> <a href='mailto:x@y'>m</a></body></html>",
            url => $"https://t.example/e/c/{Uri.EscapeDataString(url)}", "https://t.example/e/o/tok", unsubscribe);
        Assert.Contains("href=\"https://t.example/e/c/https%3A%2F%2Fshop.example%2Fp%3Fa%3D1%26b%3D2\"", html, StringComparison.Ordinal);
        Assert.Contains("href='mailto:x@y'", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://t.example/e/u/tok\">Unsubscribe</a>", html, StringComparison.Ordinal);
        Assert.EndsWith("<img src=\"https://t.example/e/o/tok\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\"></body></html>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsubscribe_link_placed_by_the_template_is_kept_and_not_duplicated()
    {
        const string unsubscribe = "https://t.example/e/u/tok";
        var html = TrackedHtml.Decorate($"<a href=\"{unsubscribe}\">Leave</a>", url => "https://t.example/e/c/x", "https://t.example/e/o/tok", unsubscribe);
        Assert.StartsWith($"<a href=\"{unsubscribe}\">Leave</a><img", html, StringComparison.Ordinal);
    }
}
