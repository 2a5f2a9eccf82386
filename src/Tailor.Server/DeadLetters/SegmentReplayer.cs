using Tailor.Application.DeadLetters;
using System.Text.Json;
using Tailor.Core.Segments;
using Tailor.Core.Storage;
using Tailor.Application.Segments;

namespace Tailor.Server.DeadLetters;

/// <summary>Replays an event or timer the segment engine set aside: evaluates every segment for its profile as of now.</summary>
public sealed class SegmentReplayer(SegmentEngine segments, IProfileStore profiles) : IDeadLetterReplayer
{
    public string Stage => SegmentEngine.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        using var payload = JsonDocument.Parse(letter.Payload);
        var profileId = payload.RootElement.GetProperty("profileId").GetString()!;
        var profile = await profiles.GetProfileAsync(profileId, cancellationToken); // a merged-away id means the survivor
        if (profile is null) return new DeadLetterReplayResult($"profile {profileId} no longer exists; nothing to evaluate");
        await segments.ReloadAsync(cancellationToken);
        var changes = await segments.ReevaluateAsync([profile.Id], cancellationToken);
        return new DeadLetterReplayResult($"profile {profile.Id} re-evaluated: {changes.Count} segment changes");
    }
}
