using Tailor.Core.Segments;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Storage;

namespace Tailor.Application.Segments;

/// <summary>
/// "Top N percent" thresholds, read from the store and kept for <see cref="MaxAge"/>: a profile's own value is always
/// current, the population's cut-off may be up to that old.
/// </summary>
public sealed class PopulationStats(ISegmentStore store, TimeProvider time) : IPopulationStats
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, decimal), (decimal? Value, DateTimeOffset At)> _thresholds = new();

    public decimal? TopThreshold(string name, decimal percent) => _thresholds.GetValueOrDefault((name, percent)).Value;

    /// <summary>Re-reads the thresholds that are missing or older than <see cref="MaxAge"/>.</summary>
    public async Task RefreshAsync(IEnumerable<(string Name, decimal Percent)> terms, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var term in terms)
        {
            if (_thresholds.TryGetValue(term, out var known) && now - known.At < MaxAge) continue;
            _thresholds[term] = (await store.TopThresholdAsync(term.Name, term.Percent, cancellationToken), now);
        }
    }
}
