using Tailor.Core.Experiments;
using Tailor.Core.Storage;

namespace Tailor.Application.Experiments;

/// <summary>
/// The running experiments by subject, read at most every <see cref="MaxAge"/> (every personalize call asks), and
/// at once after a start or stop on this node. Audience segment names are resolved to ids here.
/// </summary>
public sealed class RunningExperiments(IExperimentStore store, ISegmentStore segments, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>A running experiment with its audience's segment id (null: everyone; a deleted segment: nobody).</summary>
    public sealed record Entry(Experiment Experiment, string? AudienceId, bool AudienceMissing);

    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(IReadOnlyList<Entry> Running, DateTimeOffset At);

    public void Invalidate() => _snapshot = null;

    public async ValueTask<IReadOnlyList<Entry>> AllAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } s && now - s.At < MaxAge) return s.Running;
        var list = new List<Entry>();
        IReadOnlyList<Core.Segments.SegmentDefinition>? definitions = null;
        foreach (var e in await store.ListExperimentsAsync(ct))
        {
            if (e.Status != ExperimentStatus.Running) continue;
            string? audienceId = null;
            if (e.Definition.Audience is { } audience)
            {
                definitions ??= await segments.ListSegmentsAsync(ct);
                audienceId = definitions.FirstOrDefault(d => d.Name == audience)?.Id;
            }
            list.Add(new Entry(e, audienceId, e.Definition.Audience is not null && audienceId is null));
        }
        _snapshot = new Snapshot(list, now);
        return list;
    }

    /// <summary>The running experiment on a subject, if any.</summary>
    public async ValueTask<Entry?> OnAsync(SubjectKind kind, string? name, CancellationToken ct)
    {
        foreach (var e in await AllAsync(ct))
            if (e.Experiment.Definition.Subject.Kind == kind && e.Experiment.Definition.Subject.Name == name) return e;
        return null;
    }

    /// <summary>A running experiment by key.</summary>
    public async ValueTask<Entry?> ByKeyAsync(string key, CancellationToken ct)
    {
        foreach (var e in await AllAsync(ct))
            if (e.Experiment.Key == key) return e;
        return null;
    }
}
