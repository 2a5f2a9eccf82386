using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Messaging;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Hosting;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Campaigns;

/// <summary>
/// Sends campaigns in the background (and starts scheduled ones when due), batch by batch: claims recipients in the ledger (durably) before sending, reads
/// each profile as it is at that moment, checks email consent and frequency caps, renders, sends over the pooled
/// SMTP sender, records the contact and the outcome. On start, recipients a previous run left "sending" are marked
/// interrupted rather than sent again, so a crash never sends anyone the same campaign twice.
/// </summary>
public sealed partial class CampaignSender(
    ITailorStore store, ContentCatalog catalog, ContentRenderer renderer, CampaignEmails emails, CampaignStarter starter, IEmailSender sender,
    TailorServerOptions options, TimeProvider time, ILogger<CampaignSender> logger) : BackgroundService
{
    public const int BatchSize = 100;
    /// <summary>Emails in flight at once: enough to keep the SMTP connection pool busy.</summary>
    public const int Parallelism = 8;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly WakeSignal _wake = new();

    /// <summary>Starts sending a campaign whose status was just set to sending.</summary>
    public void Wake() => _wake.Set();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var campaign in await store.ListCampaignsAsync(stoppingToken))
                if (campaign.Status == Campaign.Sending && await store.MarkInterruptedAsync(campaign.Id, stoppingToken) is > 0 and var n)
                    LogInterrupted(campaign.Id, n);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    foreach (var listed in await store.ListCampaignsAsync(stoppingToken))
                    {
                        var campaign = listed;
                        // A schedule that came due starts the campaign (a segment deleted meanwhile completes it empty).
                        if (campaign.Status == Campaign.Scheduled && campaign.SendAt <= time.GetUtcNow())
                            campaign = await starter.StartAsync(campaign, stoppingToken) ?? campaign with { Status = Campaign.Sending };
                        if (campaign.Status == Campaign.Sending) await SendAsync(campaign, stoppingToken);
                    }
                    await _wake.WaitAsync(PollInterval, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    LogSendFailed(ex);
                    await Task.Delay(PollInterval, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task SendAsync(Campaign campaign, CancellationToken ct)
    {
        var content = await catalog.CurrentAsync(ct);
        content.Templates.TryGetValue(campaign.Template, out var template);
        ParsedTemplate? subject = campaign.Subject is { } s && renderer.Engine.TryParseTemplate(s, out var parsed, out _) ? parsed : null;
        IReadOnlyList<string> batch;
        while ((batch = await store.ClaimRecipientsAsync(campaign.Id, BatchSize, ct)).Count > 0)
        {
            var started = time.GetTimestamp();
            var outcomes = new RecipientOutcome[batch.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (i, token) => outcomes[i] = await SendOneAsync(campaign, template, subject, content, batch[i], token));
            await store.CompleteRecipientsAsync(campaign.Id, outcomes, ct);
            await ThrottleAsync(batch.Count, started, ct);
        }
        await store.SaveCampaignAsync(campaign with { Status = Campaign.Completed, CompletedAt = time.GetUtcNow() }, ct);
    }

    /// <summary>Keeps the average rate at or under <see cref="TailorServerOptions.CampaignRatePerSecond"/>.</summary>
    private async Task ThrottleAsync(int sent, long started, CancellationToken ct)
    {
        if (options.CampaignRatePerSecond <= 0) return;
        var minimum = TimeSpan.FromSeconds((double)sent / options.CampaignRatePerSecond);
        var remaining = minimum - time.GetElapsedTime(started);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining, time, ct);
    }

    private async Task<RecipientOutcome> SendOneAsync(Campaign campaign, StoredTemplate? template, ParsedTemplate? subject, ContentCatalog.Snapshot content,
        string profileId, CancellationToken ct)
    {
        RecipientOutcome Outcome(string status, string? detail) => new(profileId, status, detail, time.GetUtcNow());
        if (template is null) return Outcome(RecipientStatus.Failed, $"template \"{campaign.Template}\" no longer exists");
        // Send-time refresh: the profile as it is now, not as it was when the audience was taken.
        var facts = await renderer.FactsAsync(profileId, content, ct);
        if (facts is null) return Outcome(RecipientStatus.Failed, "the profile no longer exists (erased or merged)");
        if (ConsentGate.Refusal(facts.Profile, ConsentPurposes.Email) is { } refusal) return Outcome(RecipientStatus.SuppressedConsent, refusal);
        var now = time.GetUtcNow();
        if (await FrequencyCaps.ViolationAsync(store, profileId, campaign.Caps, now, ct) is { } capped) return Outcome(RecipientStatus.SuppressedCap, capped);
        // Snapshots carry no identities: an email identity without an email trait is found on the full profile.
        var address = CampaignEmails.AddressOf(facts.Profile)
            ?? (await store.GetProfileAsync(profileId, ct) is { } full ? CampaignEmails.AddressOf(full) : null);
        if (address is null) return Outcome(RecipientStatus.Failed, "the profile has no email address");
        try
        {
            var composed = await emails.ComposeAsync(campaign, template, subject, facts, address, content, ct);
            await SendWithRetryAsync(composed.Message, ct);
            await store.RecordContactAsync(new Contact(profileId, Channels.Email, $"campaign:{campaign.Id}", now), ct);
            return Outcome(RecipientStatus.Sent, composed.Message.MessageId);
        }
        catch (TemplateRenderException e)
        {
            return Outcome(RecipientStatus.Failed, e.Message);
        }
        catch (EmailSendException e)
        {
            return Outcome(RecipientStatus.Failed, e.Message);
        }
    }

    /// <summary>
    /// A temporary refusal (4xx, a dropped connection; e.g. a server's per-connection message limit) is tried again on
    /// another connection, twice at most; a permanent one (5xx) is not.
    /// </summary>
    private async Task SendWithRetryAsync(EmailMessage message, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await sender.SendAsync(message, ct);
                return;
            }
            catch (EmailSendException e) when (!e.Permanent && attempt < 3)
            {
                LogRetry(message.To, attempt, e.Message);
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: {Count} recipients were being sent when the node stopped; marked interrupted, not resent")]
    private partial void LogInterrupted(string campaignId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email to {To} refused for now (attempt {Attempt}), trying again: {Reason}")]
    private partial void LogRetry(string to, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A campaign batch failed; it will be retried")]
    private partial void LogSendFailed(Exception exception);
}
