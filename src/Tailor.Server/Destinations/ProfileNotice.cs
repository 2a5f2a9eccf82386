using System.Text.Json;
using Tailor.Core.Profiles;

namespace Tailor.Server.Destinations;

/// <summary>
/// One message of the live profile stream: a profile as it now stands (<c>profile</c>: traits, computed traits and,
/// in a resume, its segments) or a membership change (<c>entered</c> / <c>exited</c>). <see cref="Position"/> is the
/// profile pipeline's position when it was committed: the SSE id, and what <c>?from=</c> resumes from.
/// <see cref="Subject"/>, never sent, is the consent of the profile a <c>profile</c> notice was made from, for the consent gate.
/// </summary>
public sealed record ProfileNotice(
    string Type,
    long Position,
    string ProfileId,
    DateTimeOffset At,
    IReadOnlyDictionary<string, JsonElement>? Traits = null,
    ComputedTraits? Computed = null,
    IReadOnlyList<string>? Segments = null,
    string? SegmentId = null,
    [property: System.Text.Json.Serialization.JsonIgnore] Profile? Subject = null)
{
    public static ProfileNotice Of(Profile p, long position, IReadOnlyList<string>? segments = null)
    {
        var traits = new Dictionary<string, JsonElement>(p.Traits.Count, StringComparer.Ordinal);
        foreach (var (name, value) in p.Traits) traits[name] = value.Value;
        return new ProfileNotice(p.MergedInto is null ? "profile" : "merged", position, p.Id, p.UpdatedAt, traits, p.Computed, segments, p.MergedInto,
            // A copy of what the gate reads: the pipeline folds its profiles in place, on another thread.
            new Profile { Id = p.Id, CreatedAt = p.CreatedAt, MergedInto = p.MergedInto, Consent = new(p.Consent, StringComparer.Ordinal) });
    }
}
