using Tailor.Core.Delivery;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics;

/// <summary>
/// Writes what a run learned back to profiles as traits, through the event log like every profile change: one
/// <c>identify</c> per profile from source <see cref="Source"/>, with messageId <c>ana-&lt;run&gt;-&lt;profile&gt;</c> (so
/// writing the same run again changes nothing) and a trait <c>&lt;kind&gt;_model</c> (or the caller's name) = {model, version:
/// run id, at}, so every score can be traced to the run that made it (trait history also records source and messageId).
/// A caller that writes the same run's scores more than once (re-scoring as orders arrive) gives each profile's event a
/// suffix, <c>ana-&lt;run&gt;-&lt;profile&gt;-&lt;suffix&gt;</c>, deterministic in what caused the write so a replay is deduplicated.
/// Profiles with neither a userId nor an anonymousId cannot be addressed by an event and are skipped (counted).
/// Profiling is gated like every other use of personal data: a profile that <see cref="ConsentGate"/> refuses for
/// <c>personalization</c> (objection to profiling, GDPR Art. 21) gets no score, cluster, propensity or value written;
/// it is counted in <see cref="Written.Refused"/>.
/// </summary>
public sealed class ScoreWriter(IAnalyticsStore store, IEventSink sink, TimeProvider time)
{
    public const string Source = "analytics";
    private const int BatchSize = 1000;

    /// <summary>
    /// What was written: profiles that got their traits, those skipped (unknown, merged away or without an addressable
    /// id), and those refused by the consent gate (no <c>personalization</c> consent).
    /// </summary>
    public readonly record struct Written(long Profiles, long Skipped, long Refused = 0);

    /// <param name="kind">The job kind, e.g. <c>propensity</c>: names the metadata trait <c>propensity_model</c>.</param>
    /// <param name="model">What made the scores, e.g. <c>lightgbm churn 90d</c>.</param>
    /// <param name="metadataTrait">The metadata trait's name when not <c>&lt;kind&gt;_model</c> (one kind writing several scores).</param>
    /// <param name="messageSuffix">Per profile id, what its messageId ends with after <c>ana-&lt;run&gt;-&lt;profile&gt;-</c>; null: nothing.</param>
    public async Task<Written> WriteAsync(string kind, string runId, string model, IEnumerable<ProfileScores> scores, CancellationToken ct,
        IProgress<long>? progress = null, string? metadataTrait = null, Func<string, string?>? messageSuffix = null)
    {
        var metadataName = metadataTrait ?? $"{kind}_model";
        long written = 0, skipped = 0, refused = 0;
        var now = time.GetUtcNow();
        var metadata = new Dictionary<string, object?> { ["model"] = model, ["version"] = runId, ["at"] = now };
        foreach (var chunk in scores.Chunk(BatchSize))
        {
            string[] chunkIds = [.. chunk.Select(s => s.ProfileId)];
            var ids = await store.AttributionsAsync(chunkIds, ct);
            var profiles = await store.LiveProfilesAsync(chunkIds, ct);
            var events = new List<TailorEvent>(chunk.Length);
            foreach (var score in chunk)
            {
                if (!ids.TryGetValue(score.ProfileId, out var to))
                {
                    skipped++;
                    continue;
                }
                if (ConsentGate.Refusal(profiles.GetValueOrDefault(score.ProfileId), ConsentPurposes.Personalization) is not null)
                {
                    refused++;
                    continue;
                }
                var traits = new Dictionary<string, object?>(score.Traits, StringComparer.Ordinal) { [metadataName] = metadata };
                var messageId = messageSuffix?.Invoke(score.ProfileId) is { } suffix ? $"ana-{runId}-{score.ProfileId}-{suffix}" : $"ana-{runId}-{score.ProfileId}";
                var fields = new Dictionary<string, object?>
                {
                    ["traits"] = traits, ["context"] = new Dictionary<string, object?> { ["analytics"] = new { kind, run = runId, model } },
                };
                events.Add(OwnEvents.Create(EventType.Identify, null, to.UserId, to.AnonymousId, messageId, now, Source, fields));
            }
            await sink.AppendAsync(events, ct);
            written += events.Count;
            progress?.Report(written);
        }
        return new Written(written, skipped, refused);
    }
}
