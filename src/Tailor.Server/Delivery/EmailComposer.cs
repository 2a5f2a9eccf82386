using Tailor.Core.Content;
using Tailor.Core.Identity;
using Tailor.Core.Messaging;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Storage;
using Tailor.Server.Campaigns;
using Tailor.Server.Content;
using Tailor.Server.Hosting;

namespace Tailor.Server.Delivery;

/// <summary>
/// Composes every email Tailor sends to a profile, for campaigns and triggers alike, with the one Liquid engine and
/// budget, from the profile as it is at send time. A stored template gets every link tracked, an open pixel, the
/// unsubscribe link and the <c>List-Unsubscribe</c> / <c>List-Unsubscribe-Post</c> headers; an inline (trigger)
/// email is plain text. The From is the email's own when it names one, else <see cref="TailorServerOptions.EmailFrom"/>.
/// </summary>
public sealed class EmailComposer(ContentRenderer renderer, EmailLinks links, TailorServerOptions options)
{
    /// <summary>The origin of a campaign's emails is this prefix and the campaign id.</summary>
    public const string CampaignOrigin = "campaign:";

    /// <summary>The origin of a trigger's emails is this prefix and the trigger id.</summary>
    public const string TriggerOrigin = "trigger:";

    /// <summary>The From of an email that names none (<c>TAILOR_EMAIL_FROM</c>).</summary>
    public string DefaultFrom => options.EmailFrom;

    public sealed record Composed(EmailMessage Message, IReadOnlyList<BlockChoice> Blocks);

    /// <summary>What to send and on whose behalf.</summary>
    /// <param name="Origin">What sends it: <c>campaign:{id}</c> or <c>trigger:{id}</c>; carried by the tracking links and recorded on the events they append.</param>
    /// <param name="Name">Used as the subject when neither <paramref name="Subject"/> nor the template has one.</param>
    /// <param name="From">The sender's own From (Liquid; a plain address is itself), or null for the configured one.</param>
    /// <param name="Campaign">What the template reads as <c>campaign.*</c> (<c>unsubscribe_url</c> is added).</param>
    /// <param name="MessageId">A stable Message-ID, or null for a fresh one.</param>
    public sealed record EmailSpec(string Origin, string Name, StoredTemplate Template, ParsedTemplate? Subject, string? From,
        IReadOnlyDictionary<string, object?> Campaign, string? MessageId = null)
    {
        /// <summary>Further top-level names the template reads (a trigger's <c>trigger</c> and <c>event</c>).</summary>
        public IReadOnlyDictionary<string, object?> Globals { get; init; } = new Dictionary<string, object?>();

        /// <summary>
        /// A preview shown to a marketer: its links are inert, so viewing or clicking it never records an open, a click or
        /// an unsubscribe for the profile it is rendered as.
        /// </summary>
        public bool Preview { get; init; }
    }

    /// <summary>A plain-text email written inline (a trigger's <c>subject</c> and <c>body</c>, Liquid).</summary>
    public sealed record TextSpec(string Origin, string Name, string? From, string? Subject, string Body,
        IReadOnlyDictionary<string, object?> Campaign, IReadOnlyDictionary<string, object?> Globals, string? MessageId = null);

    /// <exception cref="TemplateRenderException">The template failed for this profile.</exception>
    /// <param name="preview">For a marketer's eyes only: inert links (<see cref="EmailSpec.Preview"/>).</param>
    public Task<Composed> ComposeAsync(Campaign campaign, StoredTemplate template, ParsedTemplate? subject, ProfileFacts? facts, string to,
        ContentCatalog.Snapshot content, CancellationToken ct, bool preview = false) =>
        ComposeAsync(new EmailSpec($"{CampaignOrigin}{campaign.Id}", campaign.Name, template, subject, campaign.From,
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = campaign.Id, ["name"] = campaign.Name },
            // One id per campaign and profile: a resend (which the ledger prevents) would be recognisable as the same mail.
            facts is null ? null : $"{campaign.Id}.{facts.Profile.Id}@tailor") { Preview = preview }, facts, to, content, ct);

    /// <exception cref="TemplateRenderException">The template failed for this profile.</exception>
    public async Task<Composed> ComposeAsync(EmailSpec spec, ProfileFacts? facts, string to, ContentCatalog.Snapshot content, CancellationToken ct)
    {
        var profileId = facts?.Profile.Id ?? "test";
        var recipient = spec.Preview ? RecipientLinks.Inert : await links.ForAsync(spec.Origin, profileId, ct);
        var values = new Dictionary<string, object?>(spec.Campaign, StringComparer.Ordinal) { ["unsubscribe_url"] = recipient.Unsubscribe };
        var scope = WithGlobals(await renderer.ScopeAsync(facts, content, RequestContext.None, values, ct), spec.Globals);
        var settings = new RenderSettings(Blocks: content.Blocks);
        var renderStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var body = await renderer.Engine.RenderAsync(spec.Template.Parsed, scope, settings, ct);
        Observability.TailorMetrics.Elapsed(Observability.TailorMetrics.RenderDuration, renderStarted, "purpose", "email");
        var subjectTemplate = spec.Subject ?? (spec.Template.Subject is null ? null : spec.Template.ParsedSubject);
        var subjectText = subjectTemplate is null ? spec.Name : (await renderer.Engine.RenderPlainSubjectAsync(subjectTemplate, scope, ct)).Trim();
        var html = TrackedHtml.Decorate(body.Output, recipient.Click, recipient.OpenPixel, recipient.Unsubscribe);
        var message = new EmailMessage(await FromAsync(spec.From, scope, ct), to, subjectText.Length == 0 ? spec.Name : subjectText, html)
        {
            Headers = new Dictionary<string, string>
            {
                ["List-Unsubscribe"] = $"<{recipient.Unsubscribe}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
                ["X-Tailor-Origin"] = spec.Origin,
            },
            MessageId = spec.MessageId,
        };
        return new Composed(message, body.Blocks);
    }

    /// <summary>A plain-text email: subject, body and From rendered like a template's subject (nothing HTML-escaped, it is not HTML).</summary>
    /// <exception cref="TemplateRenderException">A part does not parse or failed for this profile.</exception>
    public async Task<EmailMessage> ComposeTextAsync(TextSpec spec, ProfileFacts? facts, string to, ContentCatalog.Snapshot content, CancellationToken ct)
    {
        var scope = WithGlobals(await renderer.ScopeAsync(facts, content, RequestContext.None, spec.Campaign, ct), spec.Globals);
        var subject = spec.Subject is null ? "" : (await TextAsync(spec.Subject, "subject", scope, ct)).Trim();
        var body = await TextAsync(spec.Body, "body", scope, ct);
        return new EmailMessage(await FromAsync(spec.From, scope, ct), to, subject.Length == 0 ? spec.Name : subject, null, body) { MessageId = spec.MessageId };
    }

    private async ValueTask<string> FromAsync(string? from, RenderScope scope, CancellationToken ct) =>
        from is null ? DefaultFrom : (await TextAsync(from, "from", scope, ct)).Trim() is { Length: > 0 } rendered ? rendered : DefaultFrom;

    private async ValueTask<string> TextAsync(string source, string what, RenderScope scope, CancellationToken ct)
    {
        if (!source.Contains("{{", StringComparison.Ordinal) && !source.Contains("{%", StringComparison.Ordinal)) return source;
        if (!renderer.Engine.TryParseTemplate(source, out var template, out var error))
            throw new TemplateRenderException($"the {what} does not parse: {error}");
        return await renderer.Engine.RenderTextAsync(template, scope, what, ct);
    }

    private static RenderScope WithGlobals(RenderScope scope, IReadOnlyDictionary<string, object?> globals) => globals.Count == 0 ? scope : new RenderScope
    {
        Facts = scope.Facts,
        PrimarySegment = scope.PrimarySegment,
        Recommendations = scope.Recommendations,
        Request = scope.Request,
        Campaign = scope.Campaign,
        Now = scope.Now,
        Globals = globals,
    };

    /// <summary>The address to send to: the profile's email identity, else its <c>email</c> trait.</summary>
    public static string? AddressOf(Profile profile) =>
        profile.Identities.FirstOrDefault(i => i.Type == IdentityTypes.Email).Value ?? ScopeModel.TraitString(profile, "email");
}
