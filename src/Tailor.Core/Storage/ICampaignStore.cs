namespace Tailor.Core.Storage;

/// <summary>
/// Campaigns and their send ledger: one row per recipient that moves pending → sending → an outcome. A recipient
/// is claimed (made "sending", durably) before its email goes out, so after a crash nobody is sent twice: rows left
/// "sending" are marked interrupted, not retried.
/// </summary>
public interface ICampaignStore
{
    Task SaveCampaignAsync(Campaign campaign, CancellationToken cancellationToken);

    Task<Campaign?> GetCampaignAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Campaign>> ListCampaignsAsync(CancellationToken cancellationToken);

    /// <summary>Adds pending recipients; profiles already in the ledger are left as they are.</summary>
    Task AddRecipientsAsync(string campaignId, IReadOnlyList<string> profileIds, CancellationToken cancellationToken);

    /// <summary>Marks up to <paramref name="max"/> pending recipients as sending, in profile id order, and returns them.</summary>
    Task<IReadOnlyList<string>> ClaimRecipientsAsync(string campaignId, int max, CancellationToken cancellationToken);

    /// <summary>Records what happened to claimed recipients.</summary>
    Task CompleteRecipientsAsync(string campaignId, IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken);

    /// <summary>After a restart: recipients left "sending" may or may not have been sent, so they become interrupted (never resent).</summary>
    Task<int> MarkInterruptedAsync(string campaignId, CancellationToken cancellationToken);

    /// <summary>How many recipients are in each status.</summary>
    Task<IReadOnlyDictionary<string, long>> RecipientCountsAsync(string campaignId, CancellationToken cancellationToken);

    /// <summary>A page of recipients, optionally in one status, in profile id order after <paramref name="afterProfileId"/>.</summary>
    Task<IReadOnlyList<RecipientOutcome>> RecipientsAsync(string campaignId, string? status, string? afterProfileId, int limit, CancellationToken cancellationToken);

    /// <summary>One recipient's ledger row, or null.</summary>
    Task<RecipientOutcome?> RecipientAsync(string campaignId, string profileId, CancellationToken cancellationToken);
}

/// <param name="Status">One of <see cref="RecipientStatus"/>.</param>
/// <param name="Detail">Why (suppression reason, error) or the Message-ID sent.</param>
public sealed record RecipientOutcome(string ProfileId, string Status, string? Detail, DateTimeOffset At);

public static class RecipientStatus
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string SuppressedConsent = "suppressed_consent";
    public const string SuppressedCap = "suppressed_cap";
    public const string Failed = "failed";
    public const string Interrupted = "interrupted";
    /// <summary>In the holdout of an experiment on the campaign: not sent, measured as arm <c>holdout</c> (docs/experiments.md).</summary>
    public const string HeldOut = "held_out";
}

/// <summary>A send of one template to a segment's members. <see cref="Status"/> is draft, scheduled, sending or completed.</summary>
/// <param name="Subject">Liquid for the subject line; null uses the template's subject.</param>
/// <param name="Caps">Email frequency caps checked for every recipient (the global ones across Tailor included).</param>
/// <param name="SendAt">When a scheduled campaign starts by itself; null for one started by hand.</param>
public sealed record Campaign(string Id, string Name, string Template, string Segment, string? Subject, string? From, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, long AudienceSize, IReadOnlyList<Delivery.FrequencyCap> Caps,
    DateTimeOffset? SendAt = null)
{
    public const string Draft = "draft";
    public const string Scheduled = "scheduled";
    public const string Sending = "sending";
    public const string Completed = "completed";
}
