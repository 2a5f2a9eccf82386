using Tailor.Core.Delivery;
using Tailor.Core.Storage;

namespace Tailor.Server.Delivery;

/// <summary>
/// The <see cref="ConsentGate"/> consulted again at the moment a delivery is sent (every try, retries included), with
/// the profile as it is then: a withdrawal between queuing and sending stops the send. The trigger engine checked it
/// when it queued the action; this is the check that holds when time has passed since.
/// </summary>
public sealed class DeliveryConsent(IProfileStore profiles)
{
    /// <summary>Null when the profile consents to <paramref name="purpose"/> now; otherwise the reason, to record.</summary>
    public async Task<string?> RefusalAsync(string profileId, string purpose, CancellationToken cancellationToken) =>
        ConsentGate.Refusal(await profiles.GetProfileAsync(profileId, cancellationToken), purpose) is { } refusal ? $"{refusal} (checked when sending)" : null;
}
