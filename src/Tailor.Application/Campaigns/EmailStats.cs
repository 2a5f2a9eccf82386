namespace Tailor.Application.Campaigns;

/// <summary>
/// What became of a campaign's or a trigger's emails (docs/email.md). Delivered: accepted by the SMTP server. Opened and
/// clicked: <c>Email Opened</c> / <c>Email Link Clicked</c> events carrying the email's origin, as profiles (unique) and
/// as events (total). Unsubscribed: profiles that used its unsubscribe link. Converted: profiles sent to that performed
/// <see cref="ConversionCount.Event"/> within <see cref="ConversionCount.Window"/> after their first send.
/// </summary>
/// <param name="Origin"><c>campaign:{id}</c> or <c>trigger:{id}</c>, as the tracking events carry it.</param>
public sealed record EmailStats(string Origin, string Name, long Delivered, EngagementCount Opened, EngagementCount Clicked, long Unsubscribed, ConversionCount Converted);

/// <summary>Profiles that did it at least once, and how many times it was done.</summary>
public sealed record EngagementCount(long Unique, long Total);

/// <param name="Window">As given, e.g. <c>7d</c>.</param>
/// <param name="Unique">Profiles sent to that converted within the window.</param>
/// <param name="Total">Conversion events within the window after a send.</param>
public sealed record ConversionCount(string Event, string Window, long Unique, long Total);
