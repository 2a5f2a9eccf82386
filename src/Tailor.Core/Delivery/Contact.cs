namespace Tailor.Core.Delivery;

/// <summary>
/// One time Tailor reached a person: an email sent, an SMS, a webhook carrying their data. Frequency caps count these
/// across every trigger and campaign, so one customer is not flooded by several features at once.
/// </summary>
/// <param name="Channel">How: <see cref="Channels"/>.</param>
/// <param name="Origin">What sent it: <c>trigger:{id}</c> or <c>campaign:{id}</c>.</param>
public sealed record Contact(string ProfileId, string Channel, string Origin, DateTimeOffset At);

/// <summary>The channels caps and consent speak of.</summary>
public static class Channels
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Webhook = "webhook";
}
