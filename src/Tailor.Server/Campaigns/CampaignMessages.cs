using Tailor.Application;
using Tailor.Application.Content;
using Tailor.Application.Delivery;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Messaging;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Delivery;

namespace Tailor.Server.Campaigns;

/// <summary>
/// A campaign's email as one profile would get it (preview), and a test send to the marketer's own address — once,
/// for the API (<see cref="CampaignsApi"/>) and the dashboard. A problem names the field: <c>campaign</c> or
/// <c>profile</c> not found, <c>profileId</c>, <c>email</c> or <c>template</c> invalid.
/// </summary>
public sealed class CampaignMessages(ICampaignStore store, ContentCatalog catalog, ContentPreview preview, LiquidEngine engine, EmailComposer emails,
    FrequencyPolicy caps, IEmailSender sender, TimeProvider time)
{
    /// <param name="SuppressedBecause">Why the real send would skip this profile (consent, a cap); null when it would go.</param>
    public sealed record Preview(EmailMessage Message, IReadOnlyList<BlockChoice> Blocks, string? SuppressedBecause);

    public async Task<OperationResult<Preview>> PreviewAsync(string id, string? profileId, CancellationToken ct)
    {
        if (await store.GetCampaignAsync(id, ct) is not { } campaign) return OperationProblem.NotFound("campaign", "does not exist");
        if (string.IsNullOrEmpty(profileId)) return OperationProblem.Invalid("profileId", "is required");
        var content = await catalog.CurrentAsync(ct);
        if (!content.Templates.TryGetValue(campaign.Template, out var template)) return OperationProblem.Invalid("template", $"template \"{campaign.Template}\" no longer exists");
        var facts = await preview.FactsAsync(profileId, content.EventNames, ct);
        if (facts is null) return OperationProblem.NotFound("profile", profileId);
        try
        {
            var subject = campaign.Subject is null ? null : engine.Parse(campaign.Subject);
            var composed = await emails.ComposeAsync(campaign, template, subject, facts, EmailComposer.AddressOf(facts.Profile) ?? "", content, ct, preview: true);
            var suppressed = ConsentGate.Refusal(facts.Profile, Core.Profiles.ConsentPurposes.Email)
                ?? await caps.ViolationAsync(facts.Profile.Id, campaign.Caps, time.GetUtcNow(), [], ct);
            return new Preview(composed.Message, composed.Blocks, suppressed);
        }
        catch (TemplateRenderException e)
        {
            return OperationProblem.Invalid("template", e.Message);
        }
    }

    /// <summary>Sends the email to <paramref name="email"/> (as <paramref name="profileId"/> would get it, if given) with its subject prefixed <c>[Test]</c>.</summary>
    /// <exception cref="EmailSendException">The mail server did not accept it.</exception>
    public async Task<OperationResult<EmailMessage>> TestAsync(string id, string? email, string? profileId, CancellationToken ct)
    {
        if (await store.GetCampaignAsync(id, ct) is not { } campaign) return OperationProblem.NotFound("campaign", "does not exist");
        if (string.IsNullOrWhiteSpace(email) || !System.Net.Mail.MailAddress.TryCreate(email, out _))
            return OperationProblem.Invalid("email", "must be an email address");
        var content = await catalog.CurrentAsync(ct);
        if (!content.Templates.TryGetValue(campaign.Template, out var template)) return OperationProblem.Invalid("template", $"template \"{campaign.Template}\" no longer exists");
        var facts = profileId is { Length: > 0 } pid ? await preview.FactsAsync(pid, content.EventNames, ct) : null;
        if (profileId is { Length: > 0 } && facts is null) return OperationProblem.NotFound("profile", profileId);
        try
        {
            var subject = campaign.Subject is null ? null : engine.Parse(campaign.Subject);
            var composed = await emails.ComposeAsync(campaign, template, subject, facts, email, content, ct);
            // A test goes to the marketer's own address, not to the profile: no consent check, no contact recorded, its own Message-ID.
            var message = composed.Message with { Subject = "[Test] " + composed.Message.Subject, MessageId = null };
            await sender.SendAsync(message, ct);
            return message;
        }
        catch (TemplateRenderException e)
        {
            return OperationProblem.Invalid("template", e.Message);
        }
    }
}
