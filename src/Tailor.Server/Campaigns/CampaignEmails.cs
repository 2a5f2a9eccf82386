using Tailor.Core.Content;
using Tailor.Core.Identity;
using Tailor.Core.Messaging;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Hosting;

namespace Tailor.Server.Campaigns;

/// <summary>Composes a campaign's email for one profile: rendered, tracked, with the unsubscribe headers.</summary>
public sealed class CampaignEmails(ContentRenderer renderer, EmailLinks links, TailorServerOptions options)
{
    public sealed record Composed(EmailMessage Message, IReadOnlyList<BlockChoice> Blocks);

    /// <exception cref="TemplateRenderException">The template failed for this profile.</exception>
    public async Task<Composed> ComposeAsync(Campaign campaign, StoredTemplate template, ParsedTemplate? subject, ProfileFacts? facts, string to,
        ContentCatalog.Snapshot content, CancellationToken ct)
    {
        var profileId = facts?.Profile.Id ?? "test";
        var recipient = await links.ForAsync(campaign.Id, profileId, ct);
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = campaign.Id,
            ["name"] = campaign.Name,
            ["unsubscribe_url"] = recipient.Unsubscribe,
        };
        var scope = await renderer.ScopeAsync(facts, content, RequestContext.None, values, ct);
        var settings = new RenderSettings(Blocks: content.Blocks);
        var body = await renderer.Engine.RenderAsync(template.Parsed, scope, settings, ct);
        var subjectTemplate = subject ?? (template.Subject is null ? null : template.ParsedSubject);
        var subjectText = subjectTemplate is null ? campaign.Name : (await renderer.Engine.RenderPlainSubjectAsync(subjectTemplate, scope, ct)).Trim();
        var html = TrackedHtml.Decorate(body.Output, recipient.Click, recipient.OpenPixel, recipient.Unsubscribe);
        var message = new EmailMessage(campaign.From ?? options.EmailFrom, to, subjectText.Length == 0 ? campaign.Name : subjectText, html)
        {
            Headers = new Dictionary<string, string>
            {
                ["List-Unsubscribe"] = $"<{recipient.Unsubscribe}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
                ["X-Tailor-Campaign"] = campaign.Id,
            },
            // One id per campaign and profile: a resend (which the ledger prevents) would be recognisable as the same mail.
            MessageId = facts is null ? null : $"{campaign.Id}.{profileId}@tailor",
        };
        return new Composed(message, body.Blocks);
    }

    /// <summary>The address to send to: the profile's email identity, else its <c>email</c> trait.</summary>
    public static string? AddressOf(Profile profile) =>
        profile.Identities.FirstOrDefault(i => i.Type == IdentityTypes.Email).Value ?? ScopeModel.TraitString(profile, "email");
}
