using Tailor.Core.Profiles;

namespace Tailor.Core.Delivery;

/// <summary>
/// The one check everything that leaves Tailor toward a person passes (docs/architecture.md): no consent recorded for the
/// purpose means no. A missing profile has consented to nothing.
/// </summary>
public static class ConsentGate
{
    /// <summary>Null when <paramref name="profile"/> consented to <paramref name="purpose"/>; otherwise the reason to record.</summary>
    public static string? Refusal(Profile? profile, string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        var normalized = ConsentPurposes.Normalize(purpose);
        if (profile is null) return $"no profile, so no consent for {normalized}";
        if (!profile.Consent.TryGetValue(normalized, out var record)) return $"no consent for {normalized} recorded";
        return record.Granted ? null : $"consent for {normalized} withdrawn at {record.At:u} via {record.Source}";
    }
}
