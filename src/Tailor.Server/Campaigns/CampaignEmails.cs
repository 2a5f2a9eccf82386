using Tailor.Core.Content;
using Tailor.Core.Identity;
using Tailor.Core.Messaging;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Hosting;

namespace Tailor.Server.Campaigns;

/// <summary>
/// Composes an email from a saved template for one profile: rendered with the profile as it is, every link tracked,
/// an open pixel, the unsubscribe link and the <c>List-Unsubscribe</c> / <c>List-Unsubscribe-Post</c> headers.
/// Campaigns use it; so can any other sender (a trigger's email action) through <see cref="ComposeAsync(EmailSpec, ProfileFacts?, string, ContentCatalog.Snapshot, CancellationToken)"/>.
/// </summary>
public sealed class CampaignEmails(ContentRenderer renderer, EmailLinks links, TailorServerOptions options)
{
    public sealed record Composed(EmailMessage Message, IReadOnlyList<BlockChoice> Blocks);

    /// <summary>What to send and on whose behalf.</summary>
    /// <param name="Origin">What sends it: <c>campaign:{id}</c> or <c>trigger:{id}</c>; carried by the tracking links and recorded on the events they append.</param>
    /// <param name="Name">Used as the subject when neither <paramref name="Subject"/> nor the template has one.</param>
    /// <param name="Values">What the template reads as <c>campaign.*</c> (<c>unsubscribe_url</c> is added).</param>
    /// <param name="MessageId">A stable Message-ID, or null for a fresh one.</param>
    public sealed record EmailSpec(string Origin, string Name, StoredTemplate Template, ParsedTemplate? Subject, string? From,
        IReadOnlyDictionary<string, object?> Values, string? MessageId = null);

    /// <exception cref="TemplateRenderException">The template failed for this profile.</exception>
    public Task<Composed> ComposeAsync(Campaign campaign, StoredTemplate template, ParsedTemplate? subject, ProfileFacts? facts, string to,
        ContentCatalog.Snapshot content, CancellationToken ct) =>
        ComposeAsync(new EmailSpec($"{OriginPrefix}{campaign.Id}", campaign.Name, template, subject, campaign.From,
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = campaign.Id, ["name"] = campaign.Name },
            // One id per campaign and profile: a resend (which the ledger prevents) would be recognisable as the same mail.
            facts is null ? null : $"{campaign.Id}.{facts.Profile.Id}@tailor"), facts, to, content, ct);

    public const string OriginPrefix = "campaign:";

    /// <exception cref="TemplateRenderException">The template failed for this profile.</exception>
    public async Task<Composed> ComposeAsync(EmailSpec spec, ProfileFacts? facts, string to, ContentCatalog.Snapshot content, CancellationToken ct)
    {
        var profileId = facts?.Profile.Id ?? "test";
        var recipient = await links.ForAsync(spec.Origin, profileId, ct);
        var values = new Dictionary<string, object?>(spec.Values, StringComparer.Ordinal) { ["unsubscribe_url"] = recipient.Unsubscribe };
        var scope = await renderer.ScopeAsync(facts, content, RequestContext.None, values, ct);
        var settings = new RenderSettings(Blocks: content.Blocks);
        var body = await renderer.Engine.RenderAsync(spec.Template.Parsed, scope, settings, ct);
        var subjectTemplate = spec.Subject ?? (spec.Template.Subject is null ? null : spec.Template.ParsedSubject);
        var subjectText = subjectTemplate is null ? spec.Name : (await renderer.Engine.RenderPlainSubjectAsync(subjectTemplate, scope, ct)).Trim();
        var html = TrackedHtml.Decorate(body.Output, recipient.Click, recipient.OpenPixel, recipient.Unsubscribe);
        var message = new EmailMessage(spec.From ?? options.EmailFrom, to, subjectText.Length == 0 ? spec.Name : subjectText, html)
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

    /// <summary>The address to send to: the profile's email identity, else its <c>email</c> trait.</summary>
    public static string? AddressOf(Profile profile) =>
        profile.Identities.FirstOrDefault(i => i.Type == IdentityTypes.Email).Value ?? ScopeModel.TraitString(profile, "email");
}
