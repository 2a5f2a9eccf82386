using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Application.Campaigns;

/// <summary>
/// The email counts of one campaign or one trigger (<see cref="EmailStats"/>), for <c>GET /api/campaigns/{id}/stats</c>,
/// <c>GET /api/triggers/{id}/stats</c> and <c>tailor campaigns stats</c> / <c>tailor triggers stats</c> alike.
/// </summary>
public sealed class EmailStatsOperations(IEmailStatsStore stats, ICampaignStore campaigns, ITriggerStore triggers)
{
    public const string DefaultConversion = "Order Completed";
    public const string DefaultWindow = "7d";
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(365);
    public const int MaxEventNameLength = 200;

    /// <summary>The tracking events Tailor appends when a recipient opens, clicks or unsubscribes (Server/Campaigns/EmailTrackingApi).</summary>
    public const string Opened = "Email Opened";
    public const string Clicked = "Email Link Clicked";
    public const string Unsubscribed = "Consent Updated";

    /// <param name="conversion">The event that counts as a conversion; default <see cref="DefaultConversion"/>.</param>
    /// <param name="window">How long after a send it counts (<c>30m</c>, <c>48h</c>, <c>7d</c>, at most 365 days); default <see cref="DefaultWindow"/>.</param>
    public async Task<OperationResult<EmailStats>> CampaignAsync(string id, string? conversion, string? window, CancellationToken ct)
    {
        if (Parameters(conversion, window) is { Problem: { } problem }) return problem;
        if (await campaigns.GetCampaignAsync(id, ct) is not { } campaign) return OperationProblem.NotFound("campaign", "does not exist");
        return await CountAsync($"campaign:{campaign.Id}", campaign.Name, await stats.CampaignSendsAsync(campaign.Id, ct), conversion, window, ct);
    }

    /// <inheritdoc cref="CampaignAsync"/>
    public async Task<OperationResult<EmailStats>> TriggerAsync(string idOrName, string? conversion, string? window, CancellationToken ct)
    {
        if (Parameters(conversion, window) is { Problem: { } problem }) return problem;
        var trigger = await triggers.GetTriggerAsync(idOrName, ct) ?? (await triggers.ListTriggersAsync(ct)).FirstOrDefault(t => t.Name == idOrName);
        if (trigger is null) return OperationProblem.NotFound("trigger", "does not exist");
        return await CountAsync($"trigger:{trigger.Id}", trigger.Name, await stats.TriggerEmailSendsAsync(trigger.Id, ct), conversion, window, ct);
    }

    private static OperationResult<TimeSpan> Parameters(string? conversion, string? window)
    {
        if (conversion is not null && (conversion.Trim().Length == 0 || conversion.Length > MaxEventNameLength))
            return OperationProblem.Invalid("conversion", $"must be an event name of 1 to {MaxEventNameLength} characters");
        if (!TriggerJson.TryDuration(window ?? DefaultWindow, out var span) || span > MaxWindow)
            return OperationProblem.Invalid("window", "must be a duration such as 30m, 48h or 7d, at most 365d");
        return span;
    }

    private async Task<EmailStats> CountAsync(string origin, string name, IReadOnlyList<ProfileMoment> sends, string? conversion, string? window, CancellationToken ct)
    {
        var span = Parameters(conversion, window).Value;
        conversion ??= DefaultConversion;
        var firstSend = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var send in sends)
            if (!firstSend.TryGetValue(send.ProfileId, out var at) || send.At < at) firstSend[send.ProfileId] = send.At;
        var opened = Engagement(await stats.OriginEventsAsync(Opened, origin, ct));
        var clicked = Engagement(await stats.OriginEventsAsync(Clicked, origin, ct));
        var unsubscribed = Engagement(await stats.OriginEventsAsync(Unsubscribed, origin, ct)).Unique;
        long converters = 0, conversions = 0;
        if (firstSend.Count > 0)
        {
            var converted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in await stats.EventsAsync(firstSend.Keys, conversion, firstSend.Values.Min(), ct))
            {
                var sent = firstSend[e.ProfileId];
                if (e.At <= sent || e.At > sent + span) continue; // after the send, within the window
                conversions++;
                converted.Add(e.ProfileId);
            }
            converters = converted.Count;
        }
        return new EmailStats(origin, name, sends.Count, opened, clicked, unsubscribed, new ConversionCount(conversion, window ?? DefaultWindow, converters, conversions));
    }

    private static EngagementCount Engagement(IReadOnlyList<ProfileMoment> events)
    {
        var profiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events) profiles.Add(e.ProfileId);
        return new EngagementCount(profiles.Count, events.Count);
    }
}
