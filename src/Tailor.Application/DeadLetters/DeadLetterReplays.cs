using Microsoft.Extensions.Logging;
using Tailor.Core.Storage;

namespace Tailor.Application.DeadLetters;

/// <summary>
/// Replays dead letters, once each: the use case behind <c>POST /api/dead-letters/…/replay</c> and
/// <c>tailor dead-letters replay</c>. Picks the stage's <see cref="IDeadLetterReplayer"/>; an entry already replayed
/// is left alone (a second replay has no effect), and a failed replay leaves it pending with the error reported.
/// </summary>
public sealed partial class DeadLetterReplays(IDeadLetterStore store, IEnumerable<IDeadLetterReplayer> replayers, TimeProvider time, ILogger<DeadLetterReplays> logger)
{
    /// <summary>The most entries one replay of a whole stage takes on.</summary>
    public const int MaxPerStage = 10_000;

    private readonly Dictionary<string, IDeadLetterReplayer> _byStage = replayers.ToDictionary(r => r.Stage, StringComparer.Ordinal);

    /// <summary>The stages that can be replayed.</summary>
    public IReadOnlyCollection<string> Stages => _byStage.Keys;

    public async Task<DeadLetterReplayOutcome> ReplayAsync(long id, CancellationToken cancellationToken)
    {
        var letter = await store.GetDeadLetterAsync(id, cancellationToken);
        if (letter is null) return new(id, DeadLetterReplayOutcome.NotFound, null, $"dead letter {id} does not exist");
        if (!letter.Pending) return new(id, DeadLetterReplayOutcome.AlreadyReplayed, letter, null);
        if (!_byStage.TryGetValue(letter.Stage, out var replayer))
            return new(id, DeadLetterReplayOutcome.NoReplayer, letter, $"stage \"{letter.Stage}\" has no replay; stages that do: {string.Join(", ", Stages.Order(StringComparer.Ordinal))}");
        try
        {
            var result = await replayer.ReplayAsync(letter, cancellationToken);
            if (!await store.MarkDeadLetterReplayedAsync(id, time.GetUtcNow(), result.Note, cancellationToken))
                return new(id, DeadLetterReplayOutcome.AlreadyReplayed, await store.GetDeadLetterAsync(id, cancellationToken), null);
            LogReplayed(id, letter.Stage, result.Note);
            return new(id, DeadLetterReplayOutcome.Replayed, await store.GetDeadLetterAsync(id, cancellationToken), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReplayFailed(ex, id, letter.Stage);
            return new(id, DeadLetterReplayOutcome.Failed, letter, ex.Message);
        }
    }

    /// <summary>Replays every pending entry of <paramref name="stage"/>, oldest first (up to <see cref="MaxPerStage"/>).</summary>
    public async Task<IReadOnlyList<DeadLetterReplayOutcome>> ReplayStageAsync(string stage, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        long? before = null;
        while (ids.Count < MaxPerStage)
        {
            var page = await store.ListDeadLettersAsync(new DeadLetterQuery(stage, Pending: true, Before: before, Limit: 500), cancellationToken);
            if (page.Count == 0) break;
            ids.AddRange(page.Select(d => d.Id));
            before = page[^1].Id;
        }
        ids.Reverse(); // in the order they were set aside
        var outcomes = new List<DeadLetterReplayOutcome>(ids.Count);
        foreach (var id in ids.Take(MaxPerStage)) outcomes.Add(await ReplayAsync(id, cancellationToken));
        return outcomes;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead letter {Id} ({Stage}) replayed: {Note}")]
    private partial void LogReplayed(long id, string stage, string note);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter {Id} ({Stage}) could not be replayed; it stays pending")]
    private partial void LogReplayFailed(Exception exception, long id, string stage);
}
