using Tailor.Application.DeadLetters;
using System.Globalization;
using Tailor.Core.Pipeline;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;
using Tailor.Application.Pipeline;

namespace Tailor.Server.DeadLetters;

/// <summary>
/// Replays an event the profile pipeline set aside by appending it to the log again: the log is append-only and every
/// follower's position only moves forward, so the one correct way back in is as a new entry, which the pipeline, the
/// segment engine and the trigger engine then take in like any event, in order, on every node. The copy keeps the
/// payload, source and times; its message id (<c>replay-{entry id}-{original}</c>) is derived from the entry, so a
/// second replay is a duplicate the log skips. The original stays in the log, unassigned.
/// </summary>
public sealed class ProfileReplayer(IEventLog log, FollowerHost followers) : IDeadLetterReplayer
{
    public string Stage => ProfilePipeline.Stage;

    public async Task<DeadLetterReplayResult> ReplayAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        if (!long.TryParse(letter.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            throw new InvalidOperationException($"dead letter {letter.Id} does not name an event sequence");
        var logged = await log.ReadAfterAsync(sequence - 1, 1, cancellationToken);
        if (logged.Count == 0 || logged[0].Sequence != sequence) throw new InvalidOperationException($"event {sequence} is not in the log");
        var copy = logged[0].Event with { MessageId = ReplayMessageId(letter.Id, logged[0].Event.MessageId) };
        var appended = (await log.AppendAsync([copy], cancellationToken))[0];
        followers.Wake(Stage);
        return new DeadLetterReplayResult(appended
            ? $"event {sequence} appended to the log again as {copy.MessageId}"
            : $"event {sequence} was already appended again as {copy.MessageId}");
    }

    /// <summary>The message id of the copy a replay appends.</summary>
    public static string ReplayMessageId(long deadLetterId, string messageId) =>
        $"replay-{deadLetterId.ToString(CultureInfo.InvariantCulture)}-{messageId}";
}
