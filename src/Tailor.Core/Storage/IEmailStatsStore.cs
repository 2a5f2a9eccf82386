namespace Tailor.Core.Storage;

/// <summary>
/// What the email counts of a campaign or a trigger are read from (docs/email.md): who was sent an email and when,
/// the tracking events that name the email's origin (<c>campaign:{id}</c>, <c>trigger:{id}</c>), and the later events
/// of the profiles sent to (conversions).
/// </summary>
public interface IEmailStatsStore
{
    /// <summary>The recipients of a campaign whose email was accepted by the SMTP server, with the moment it was.</summary>
    Task<IReadOnlyList<ProfileMoment>> CampaignSendsAsync(string campaignId, CancellationToken cancellationToken);

    /// <summary>A trigger's email deliveries that were accepted, by profile, with the moment each was.</summary>
    Task<IReadOnlyList<ProfileMoment>> TriggerEmailSendsAsync(string triggerId, CancellationToken cancellationToken);

    /// <summary>Events named <paramref name="eventName"/> whose <c>properties.origin</c> is <paramref name="origin"/>.</summary>
    Task<IReadOnlyList<ProfileMoment>> OriginEventsAsync(string eventName, string origin, CancellationToken cancellationToken);

    /// <summary>Events named <paramref name="eventName"/> of <paramref name="profileIds"/> at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<ProfileMoment>> EventsAsync(IReadOnlyCollection<string> profileIds, string eventName, DateTimeOffset since, CancellationToken cancellationToken);
}
