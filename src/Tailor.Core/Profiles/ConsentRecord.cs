namespace Tailor.Core.Profiles;

/// <summary>A profile's answer for one purpose, with when and where it was given.</summary>
/// <param name="Source">The source (or <c>api</c>) the answer came through.</param>
/// <param name="Where">Where the person gave it: a page URL, an app, or an IP address, when known.</param>
public sealed record ConsentRecord(bool Granted, DateTimeOffset At, string Source, string? Where)
{
    /// <summary>The version of the text agreed to, when sent (docs/privacy.md, "Consent").</summary>
    public string? Version { get; init; }
}

/// <summary>The purposes Tailor itself asks about; any other purpose name is kept as given.</summary>
public static class ConsentPurposes
{
    public const string Analytics = "analytics";
    public const string Personalization = "personalization";
    public const string Email = "email";
    public const string Sms = "sms";

    public static string Normalize(string purpose) => purpose.Trim().ToLowerInvariant();
}
