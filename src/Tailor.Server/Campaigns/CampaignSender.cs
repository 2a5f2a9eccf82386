using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Messaging;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Server.Content;
using Tailor.Server.Hosting;
using Tailor.Server.Pipeline;
using Tailor.Application.Delivery;
using Tailor.Application.Campaigns;
using Tailor.Server.Delivery;

namespace Tailor.Server.Campaigns;

/// <summary>
/// Sends campaigns in the background (and starts scheduled ones when due), batch by batch: claims recipients in the ledger (durably) before sending, reads
/// each profile as it is at that moment, checks email consent and frequency caps, renders, sends over the pooled
/// SMTP sender, records the contact and the outcome. On start, recipients a previous run left "sending" are marked
/// interrupted rather than sent again, so a crash never sends anyone the same campaign twice. A recipient whose render
/// or send throws something that is not a normal failure is failed and set aside in the dead-letter store (stage
/// <see cref="Stage"/>), and the campaign goes on. A follower run by <see cref="FollowerHost"/>.
/// </summary>
public sealed partial class CampaignSender(
    ICampaignStore store, IProfileStore profiles, IContactLog contacts, IDeadLetterStore deadLetters, ContentCatalog catalog, ContentRenderer renderer, EmailComposer emails, CampaignStarter starter, IEmailSender sender,
    FrequencyPolicy caps, TailorServerOptions options, TimeProvider time, ILogger<CampaignSender> logger, FollowerWakeups wakeups, IStageProbe? probe = null,
    Experiments.ExperimentServing? experiments = null) : ILogFollower
{
    /// <summary>The dead-letter stage of recipients whose send threw.</summary>
    public const string Stage = "campaigns";

    public const int BatchSize = 100;
    /// <summary>Emails in flight at once: enough to keep the SMTP connection pool busy.</summary>
    public const int Parallelism = 8;

    /// <summary>Starts sending a campaign whose status was just set to sending.</summary>
    public void Wake() => wakeups.Wake(Stage);

    public string Name => Stage;

    /// <summary>Recipients are set aside one by one as they fail (<see cref="SendOneAsync"/>); a batch is not isolated.</summary>
    public int IsolationWindow => 0;

    /// <summary>Nothing: it is woken when a campaign starts (<see cref="Wake"/>) and at the next scheduled start.</summary>
    public IReadOnlyList<string> Follows { get; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var campaign in await store.ListCampaignsAsync(cancellationToken))
            if (campaign.Status == Campaign.Sending && await store.MarkInterruptedAsync(campaign.Id, cancellationToken) is > 0 and var n)
                LogInterrupted(campaign.Id, n);
    }

    /// <summary>
    /// Taken back from another node (docs/scale.md): recipients left "sending" were claimed by the node that held the
    /// campaigns until it lost them (killed). This node's own sends finished within its last step, so none are its own.
    /// </summary>
    public Task ResumeAsync(CancellationToken cancellationToken) => StartAsync(cancellationToken);

    /// <summary>Starts scheduled campaigns that came due and sends every sending one to the end; idle until the next scheduled one.</summary>
    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        foreach (var listed in await store.ListCampaignsAsync(cancellationToken))
        {
            var campaign = listed;
            // A schedule that came due starts the campaign (a segment deleted meanwhile completes it empty).
            if (campaign.Status == Campaign.Scheduled && campaign.SendAt <= time.GetUtcNow())
                campaign = await starter.StartAsync(campaign, cancellationToken) ?? campaign with { Status = Campaign.Sending };
            if (campaign.Status == Campaign.Sending) await SendAsync(campaign, cancellationToken);
            else if (campaign.Status == Campaign.Scheduled && campaign.SendAt is { } at && (next is null || at < next)) next = at;
        }
        return FollowerStep.Idle(next);
    }

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken) => Task.FromResult(new FollowerProgress(null, 0));

    public Task StopAsync() => Task.CompletedTask;

    /// <summary>
    /// Sends campaign <paramref name="campaignId"/> to one recipient again and records the outcome (a replay of a
    /// recipient set aside). Returns the outcome.
    /// </summary>
    public async Task<RecipientOutcome> ResendAsync(string campaignId, string profileId, CancellationToken ct)
    {
        var campaign = await store.GetCampaignAsync(campaignId, ct) ?? throw new InvalidOperationException($"campaign {campaignId} no longer exists");
        var content = await catalog.CurrentAsync(ct);
        content.Templates.TryGetValue(campaign.Template, out var template);
        ParsedTemplate? subject = campaign.Subject is { } s && renderer.Engine.TryParseTemplate(s, out var parsed, out _) ? parsed : null;
        var outcome = await SendOneAsync(campaign, template, subject, content, profileId, ct, setAside: false);
        await store.CompleteRecipientsAsync(campaign.Id, [outcome], ct);
        return outcome;
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

    /// <summary>
    /// One recipient. A throw that is not a normal failure (a render or send that breaks) fails this recipient only and
    /// sets it aside in the dead-letter store; the rest of the campaign goes on.
    /// </summary>
    private async Task<RecipientOutcome> SendOneAsync(Campaign campaign, StoredTemplate? template, ParsedTemplate? subject, ContentCatalog.Snapshot content,
        string profileId, CancellationToken ct, bool setAside = true)
    {
        try
        {
            probe?.BeforeItem(Stage, RecipientKey(campaign.Id, profileId));
            return await SendOneUnguardedAsync(campaign, template, subject, content, profileId, ct);
        }
        catch (Exception ex) when (setAside && ex is not OperationCanceledException)
        {
            var payload = System.Text.Json.JsonSerializer.Serialize(new { campaignId = campaign.Id, profileId });
            await deadLetters.AddDeadLetterAsync(DeadLetter.For(Stage, RecipientKey(campaign.Id, profileId), null, payload, ex, 1, time.GetUtcNow()), ct);
            LogSetAside(campaign.Id, profileId, ex.Message);
            return new RecipientOutcome(profileId, RecipientStatus.Failed, $"set aside in the dead-letter store: {ex.Message}", time.GetUtcNow());
        }
    }

    /// <summary>The dead-letter key of one recipient of one campaign.</summary>
    public static string RecipientKey(string campaignId, string profileId) => $"{campaignId}:{profileId}";

    private async Task<RecipientOutcome> SendOneUnguardedAsync(Campaign campaign, StoredTemplate? template, ParsedTemplate? subject, ContentCatalog.Snapshot content,
        string profileId, CancellationToken ct)
    {
        RecipientOutcome Outcome(string status, string? detail) => new(profileId, status, detail, time.GetUtcNow());
        if (template is null) return Outcome(RecipientStatus.Failed, $"template \"{campaign.Template}\" no longer exists");
        // Send-time refresh: the profile as it is now, not as it was when the audience was taken.
        var facts = await renderer.FactsAsync(profileId, content, ct);
        if (facts is null) return Outcome(RecipientStatus.Failed, "the profile no longer exists (erased or merged)");
        if (ConsentGate.Refusal(facts.Profile, ConsentPurposes.Email) is { } refusal) return Outcome(RecipientStatus.SuppressedConsent, refusal);
        var now = time.GetUtcNow();
        if (await caps.ViolationAsync(profileId, campaign.Caps, now, [], ct) is { } capped) return Outcome(RecipientStatus.SuppressedCap, capped);
        // Snapshots carry no identities: an email identity without an email trait is found on the full profile.
        var address = EmailComposer.AddressOf(facts.Profile)
            ?? (await profiles.GetProfileAsync(profileId, ct) is { } full ? EmailComposer.AddressOf(full) : null);
        if (address is null) return Outcome(RecipientStatus.Failed, "the profile has no email address");
        // A campaign under test (docs/experiments.md): the recipient's arm picks the template; the holdout is not sent,
        // its exposure logged all the same, at the same point as the arms' (after consent, caps and address), so the arms compare.
        if (experiments is not null && await experiments.CampaignArmAsync(campaign, profileId, content, ct) is { } arm)
        {
            if (arm.Served.Holdout) return Outcome(RecipientStatus.HeldOut, $"in the holdout of experiment {arm.Served.Experiment.Key}");
            if (arm.Template is { } tested) template = tested;
        }
        try
        {
            var composed = await emails.ComposeAsync(campaign, template, subject, facts, address, content, ct);
            await SendWithRetryAsync(composed.Message, ct);
            await contacts.RecordContactAsync(new Contact(profileId, Channels.Email, $"{EmailComposer.CampaignOrigin}{campaign.Id}", now), ct);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId}: {Count} recipients were being sent when the node stopped; marked interrupted, not resent")]
    private partial void LogInterrupted(string campaignId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email to {To} refused for now (attempt {Attempt}), trying again: {Reason}")]
    private partial void LogRetry(string to, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Campaign {CampaignId}: sending to {ProfileId} threw; failed and set aside in the dead-letter store: {Reason}")]
    private partial void LogSetAside(string campaignId, string profileId, string reason);
}
