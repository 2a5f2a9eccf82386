using BenchmarkDotNet.Attributes;
using Tailor.Core.Events;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Application.Pipeline;

namespace Tailor.Benchmarks;

/// <summary>The profile pipeline's in-memory work: parse a logged payload, fold it into a profile, and a whole batch.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class PipelineBenchmarks
{
    private readonly ProfileReducer _reducer = new(EngagementWeights.Default);
    private readonly List<Core.Profiles.TraitChange> _history = [];
    private LoggedEvent _track;
    private LoggedEvent _identify;
    private Profile _profile = null!;
    private LoggedEvent[] _thousand = [];

    [GlobalSetup]
    public void Setup()
    {
        _track = new LoggedEvent(1, SampleEvents.ToEvent(SampleEvents.ProductAdded("u000123", "m1")));
        _identify = new LoggedEvent(2, SampleEvents.ToEvent(SampleEvents.Identify("u000123", "m2")));
        _profile = new Profile { Id = "prf_bench", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        var random = new Random(7);
        _thousand = [.. Enumerable.Range(0, 1000).Select(i => new LoggedEvent(i + 1, SampleEvents.ToEvent(SampleEvents.Mixed(i, random, 100_000))))];
    }

    /// <summary>EventView.Parse (JsonDocument + Clone of the payload) then ProfileReducer.Apply, for a Product Added track.</summary>
    [Benchmark]
    public Profile ParseAndApplyTrack()
    {
        _history.Clear();
        var view = EventView.Parse(_track);
        _reducer.Apply(_profile, view, _history);
        return _profile;
    }

    /// <summary>The same for an identify with 8 traits (trait history and trait writes).</summary>
    [Benchmark]
    public Profile ParseAndApplyIdentify()
    {
        _history.Clear();
        var view = EventView.Parse(_identify);
        _reducer.Apply(_profile, view, _history);
        return _profile;
    }

    /// <summary>
    /// What ProfilePipeline.ProcessNextBatchAsync does between its storage calls, for 1,000 mixed events: parse every
    /// payload, collect identities, apply all events (new profiles; nothing loaded), build the change set.
    /// </summary>
    [Benchmark]
    public ProfileChangeSet ProfileBatchOf1000()
    {
        var views = new EventView[_thousand.Length];
        for (var i = 0; i < views.Length; i++) views[i] = EventView.Parse(_thousand[i]);
        _ = IdentityResolver.IdentitiesOf(views);
        var batch = new ProfileBatch([], _reducer, DateTimeOffset.UtcNow);
        foreach (var view in views) batch.Apply(view);
        return batch.ToChangeSet(0, _thousand[^1].Sequence);
    }
}
