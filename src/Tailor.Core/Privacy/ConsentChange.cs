namespace Tailor.Core.Privacy;

/// <summary>One change of a profile's consent for one purpose, as kept in its consent history.</summary>
/// <param name="Source">The source (or <c>api</c>) the answer came through.</param>
/// <param name="Where">Where it was given, as sent: the page URL, else the app name, else the IP address.</param>
/// <param name="Version">The version of the text the person agreed to (<c>context.consent.version</c> or <c>traits.consent.version</c>), when sent.</param>
/// <param name="MessageId">The event that carried it.</param>
public sealed record ConsentChange(string ProfileId, string Purpose, bool Granted, DateTimeOffset At, string Source, string? Where, string? Version, string MessageId)
{
    /// <summary>The change's id in the store (0 until stored): history is listed in this order.</summary>
    public long Id { get; init; }
}
