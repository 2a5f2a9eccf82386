using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Messaging;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Content;
using Tailor.Application.Triggers;

namespace Tailor.Server.Delivery;

/// <summary>
/// Sends a trigger's email. Its content is rendered now, from the profile as it is at send time, by the
/// <see cref="EmailComposer"/> campaigns use: a stored template with tracked links and unsubscribe headers, or the
/// inline subject and body as plain text. The consent gate is consulted again first, with the profile's consent as it is now. Templates read the trigger as <c>trigger.*</c> and the starting message as
/// <c>event</c> (and, as they always could, as <c>campaign.id</c>, <c>campaign.name</c>, <c>campaign.event</c>).
/// </summary>
public sealed class EmailChannel(ContentCatalog content, ContentRenderer renderer, EmailComposer composer, IEmailSender sender, TriggerEngine triggers,
    DeliveryConsent consent)
    : IDeliveryChannel
{
    public string Kind => EmailPayload.KindName;

    public async Task<ChannelResult> SendAsync(ActionDelivery delivery, CancellationToken cancellationToken)
    {
        var payload = (EmailPayload)DeliveryPayload.Read(delivery.Kind, delivery.Payload);
        // Consent as it is now, on every try: a withdrawal since the step queued the email stops it.
        if (await consent.RefusalAsync(delivery.ProfileId, Core.Profiles.ConsentPurposes.Email, cancellationToken) is { } refused) return ChannelResult.ConsentRefused(refused);
        var messageId = $"{delivery.Id.Replace(':', '.')}@tailor"; // a resend of the same step is recognisably the same mail
        EmailMessage message;
        try
        {
            if (await ComposeAsync(delivery, payload, messageId, cancellationToken) is not { } composed) return ChannelResult.Dead("the profile no longer exists (erased or merged)");
            message = composed;
        }
        catch (TemplateRenderException e)
        {
            return ChannelResult.Dead(e.Message);
        }
        catch (MissingTemplateException e)
        {
            return ChannelResult.Dead(e.Message);
        }
        try
        {
            await sender.SendAsync(message, cancellationToken);
        }
        catch (EmailSendException e)
        {
            return e.Permanent ? ChannelResult.Dead(e.Message) : ChannelResult.Retry(e.Message);
        }
        return ChannelResult.Sent($"email accepted for {message.To}");
    }

    /// <summary>The message, or null when the profile is gone.</summary>
    private async Task<EmailMessage?> ComposeAsync(ActionDelivery d, EmailPayload p, string messageId, CancellationToken ct)
    {
        // Rows written before rendering moved to send time hold an inline email already rendered.
        if (!p.Liquid && p.Template is null) return new EmailMessage(p.From ?? composer.DefaultFrom, p.To, p.Subject ?? "", null, p.Body) { MessageId = messageId };
        var snapshot = await content.CurrentAsync(ct);
        StoredTemplate? template = null;
        if (p.Template is { } templateName && !snapshot.Templates.TryGetValue(templateName, out template))
            throw new MissingTemplateException($"template \"{templateName}\" does not exist");
        var facts = await renderer.FactsAsync(d.ProfileId, snapshot, ct);
        if (facts is null) return null;
        var name = triggers.Catalog.ById(d.TriggerId)?.Stored.Name ?? d.TriggerId;
        var globals = TriggerScope.Globals(d.TriggerId, name, p.Event);
        // campaign.* is what trigger templates were first given; kept so they go on working.
        var campaign = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = d.TriggerId, ["name"] = name, ["event"] = globals["event"] };
        var origin = $"{EmailComposer.TriggerOrigin}{d.TriggerId}";
        if (template is null)
            return await composer.ComposeTextAsync(new EmailComposer.TextSpec(origin, name, p.From, p.Subject, p.Body ?? "", campaign, globals, messageId), facts, p.To, snapshot, ct);
        ParsedTemplate? subject = null;
        if (p.Liquid && p.Subject is { Length: > 0 } source)
            subject = renderer.Engine.TryParseTemplate(source, out var parsed, out var error) ? parsed : throw new TemplateRenderException($"the subject does not parse: {error}");
        var composed = await composer.ComposeAsync(new EmailComposer.EmailSpec(origin, name, template, subject, p.Liquid ? p.From : null, campaign, messageId) { Globals = globals },
            facts, p.To, snapshot, ct);
        var message = composed.Message;
        // An older row's subject and From were rendered when the run reached the step.
        if (!p.Liquid && p.Subject is { Length: > 0 } rendered) message = message with { Subject = rendered };
        if (!p.Liquid && p.From is { } from) message = message with { From = from };
        return message;
    }

    private sealed class MissingTemplateException(string message) : Exception(message);
}
