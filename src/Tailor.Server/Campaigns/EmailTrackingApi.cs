using System.Net;
using Tailor.Core.Storage;
using Tailor.Server.Delivery;
using Tailor.Server.Profiles;

namespace Tailor.Server.Campaigns;

/// <summary>
/// The public links in emails (no key; each carries a signed token): the open pixel (<c>/e/o</c>), click redirects
/// (<c>/e/c</c>) and unsubscribe (<c>/e/u</c>: a page on GET, the unsubscribe itself on POST, which is also the RFC 8058
/// one-click target). Each appends an event to the profile: <c>Email Opened</c>, <c>Email Link Clicked</c>, or a
/// consent change for email.
/// </summary>
public static class EmailTrackingApi
{
    /// <summary>A transparent 1×1 GIF.</summary>
    private static readonly byte[] Pixel = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");

    public static IEndpointRouteBuilder MapEmailTrackingApi(this IEndpointRouteBuilder app)
    {
        var e = app.MapGroup("e").WithTags("Email tracking");
        e.MapGet("o/{token}", OpenAsync).WithName("EmailOpened").WithSummary("Open pixel: records Email Opened");
        e.MapGet("c/{token}", ClickAsync).WithName("EmailLinkClicked").WithSummary("Click redirect: records Email Link Clicked and redirects");
        e.MapGet("u/{token}", UnsubscribePage).WithName("UnsubscribePage").WithSummary("The unsubscribe page (a button; nothing changes on GET)");
        e.MapPost("u/{token}", UnsubscribeAsync).WithName("Unsubscribe").WithSummary("Unsubscribe from email: the page's button and one-click (RFC 8058)");
        return app;
    }

    private static async Task<IResult> OpenAsync(string token, EmailLinks links, IProfileStore store, ProfileEventWriter events, CancellationToken ct)
    {
        // The pixel is served whatever happens: a broken image in an email helps nobody.
        if ((await links.TokensAsync(ct)).Verify(token) is [EmailLinks.Purpose.Open, var origin, var profileId]
            && await store.GetProfileAsync(profileId, ct) is { } profile)
            await events.TrackAsync(profile, "Email Opened", Properties(origin), [], ProfilesApi.ApiSource, "email", ct);
        return Results.File(Pixel, "image/gif");
    }

    private static async Task<IResult> ClickAsync(string token, EmailLinks links, IProfileStore store, ProfileEventWriter events, CancellationToken ct)
    {
        if ((await links.TokensAsync(ct)).Verify(token) is not [EmailLinks.Purpose.Click, var origin, var profileId, var url]
            || !Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
            return Results.Problem(title: "This link is not valid", statusCode: StatusCodes.Status404NotFound);
        if (await store.GetProfileAsync(profileId, ct) is { } profile)
        {
            var properties = Properties(origin);
            properties["url"] = url;
            await events.TrackAsync(profile, "Email Link Clicked", properties, [], ProfilesApi.ApiSource, "email", ct);
        }
        return Results.Redirect(url);
    }

    private static async Task<IResult> UnsubscribePage(string token, EmailLinks links, CancellationToken ct)
    {
        if ((await links.TokensAsync(ct)).Verify(token) is not [EmailLinks.Purpose.Unsubscribe, _, _])
            return Results.Content(Page("This unsubscribe link is not valid.", null), "text/html", statusCode: StatusCodes.Status404NotFound);
        return Results.Content(Page("Stop receiving these emails?",
            $"<form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>"), "text/html");
    }

    private static async Task<IResult> UnsubscribeAsync(string token, EmailLinks links, IProfileStore store, ProfileEventWriter events, CancellationToken ct)
    {
        if ((await links.TokensAsync(ct)).Verify(token) is not [EmailLinks.Purpose.Unsubscribe, var origin, var profileId])
            return Results.Content(Page("This unsubscribe link is not valid.", null), "text/html", statusCode: StatusCodes.Status404NotFound);
        if (await store.GetProfileAsync(profileId, ct) is { } profile)
        {
            var context = new Dictionary<string, object?>
            {
                ["consent"] = new { categoryPreferences = new Dictionary<string, bool> { ["email"] = false } },
                ["page"] = new { url = $"unsubscribe:{origin}" },
            };
            var properties = Properties(origin);
            properties["reason"] = "unsubscribe link";
            await events.TrackAsync(profile, "Consent Updated", properties, context, ProfilesApi.ApiSource, "email", ct);
        }
        return Results.Content(Page("You are unsubscribed.", "<p>You will not receive these emails any more.</p>"), "text/html");
    }

    /// <summary>The event properties that say which email it was: its origin, and the campaign id for campaigns.</summary>
    private static Dictionary<string, object?> Properties(string origin)
    {
        var properties = new Dictionary<string, object?> { ["origin"] = origin };
        if (origin.StartsWith(EmailComposer.CampaignOrigin, StringComparison.Ordinal)) properties["campaign_id"] = origin[EmailComposer.CampaignOrigin.Length..];
        return properties;
    }

    private static string Page(string title, string? body) =>
        $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head><body><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</body></html>";
}
