using System.Net;
using System.Text.RegularExpressions;

namespace Tailor.Core.Content;

/// <summary>
/// Prepares a rendered email body for tracking: every http(s) link goes through a click redirect, an open pixel is
/// added, and an unsubscribe link is added when the template did not place one (<c>{{ campaign.unsubscribe_url }}</c>).
/// </summary>
public static partial class TrackedHtml
{
    [GeneratedRegex("""href\s*=\s*(?<q>["'])(?<url>https?://[^"']+)\k<q>""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Links();

    /// <param name="clickUrl">The redirect URL for a link's target (the target as written, HTML entities decoded).</param>
    public static string Decorate(string html, Func<string, string> clickUrl, string openPixelUrl, string unsubscribeUrl)
    {
        var tracked = Links().Replace(html, m =>
        {
            var target = WebUtility.HtmlDecode(m.Groups["url"].Value);
            // The unsubscribe link itself is not wrapped: it must work even if tracking is blocked.
            if (target == unsubscribeUrl) return m.Value;
            return $"href=\"{WebUtility.HtmlEncode(clickUrl(target))}\"";
        });
        var footer = html.Contains(unsubscribeUrl, StringComparison.Ordinal) || html.Contains(WebUtility.HtmlEncode(unsubscribeUrl), StringComparison.Ordinal)
            ? ""
            : $"<p style=\"font-size:12px;color:#888\"><a href=\"{WebUtility.HtmlEncode(unsubscribeUrl)}\">Unsubscribe</a></p>";
        var pixel = $"<img src=\"{WebUtility.HtmlEncode(openPixelUrl)}\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
        var close = tracked.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        return close >= 0 ? string.Concat(tracked.AsSpan(0, close), footer, pixel, tracked.AsSpan(close)) : tracked + footer + pixel;
    }
}
