namespace Tailor.Core.Identity;

/// <summary>The identity types Tailor links profiles by.</summary>
public static class IdentityTypes
{
    public const string UserId = "userId";
    public const string AnonymousId = "anonymousId";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string DeviceId = "deviceId";

    public static IReadOnlyList<string> All { get; } = [UserId, AnonymousId, Email, Phone, DeviceId];

    public static bool IsKnown(string type) => All.Contains(type);

    /// <summary>Emails are matched case-insensitively and without surrounding spaces; other ids exactly.</summary>
    public static string Normalize(string type, string value) =>
        type == Email ? value.Trim().ToLowerInvariant() : value;
}
