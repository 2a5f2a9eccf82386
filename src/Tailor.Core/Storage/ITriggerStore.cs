using Tailor.Core.Delivery;
using Tailor.Core.Events;
using Tailor.Core.Triggers;

namespace Tailor.Core.Storage;

/// <summary>
/// Triggers, their journey runs (state, step, timer), the execution log, and the outbox of deliveries with their
/// attempts and dead letters. Journey state and timers live only here, so a restarted node resumes every run.
/// </summary>
public interface ITriggerStore
{
    Task SaveTriggerAsync(StoredTrigger trigger, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredTrigger>> ListTriggersAsync(CancellationToken cancellationToken);

    Task<StoredTrigger?> GetTriggerAsync(string id, CancellationToken cancellationToken);

    /// <summary>A number that moves whenever a trigger is saved (through any node or the CLI).</summary>
    Task<long> DefinitionsVersionAsync(CancellationToken cancellationToken);

    /// <summary>Events after <paramref name="after"/> up to <paramref name="upTo"/> that the pipeline assigned to a profile, in log order.</summary>
    Task<IReadOnlyList<AssignedEvent>> AssignedEventsAsync(long after, long upTo, int max, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="AssignedEventsAsync(long, long, int, CancellationToken)"/>, with the protected values (encryption at
    /// rest) opened only in the payloads of events for which <paramref name="opened"/> holds; the others keep the payload
    /// as stored, for a reader that needs only their names and columns. Opening costs per value, on every read.
    /// </summary>
    Task<IReadOnlyList<AssignedEvent>> AssignedEventsAsync(long after, long upTo, int max, Func<TailorEvent, bool> opened, CancellationToken cancellationToken);

    /// <summary>Segment entries and exits recorded after history id <paramref name="afterId"/>, in id order.</summary>
    Task<IReadOnlyList<SegmentChangeEntry>> SegmentChangesAfterAsync(long afterId, int max, CancellationToken cancellationToken);

    /// <summary>The waiting runs of these profiles.</summary>
    Task<IReadOnlyList<JourneyRun>> WaitingRunsAsync(IReadOnlyList<string> profileIds, CancellationToken cancellationToken);

    /// <summary>When each (trigger, profile) pair among these profiles last entered.</summary>
    Task<IReadOnlyDictionary<(string TriggerId, string ProfileId), DateTimeOffset>> LastEntriesAsync(IReadOnlyList<string> profileIds, CancellationToken cancellationToken);

    /// <summary>Waiting runs whose timer is due at or before <paramref name="upTo"/>, earliest first.</summary>
    Task<IReadOnlyList<JourneyRun>> DueRunsAsync(DateTimeOffset upTo, int max, CancellationToken cancellationToken);

    /// <summary>Pending deliveries due at or before <paramref name="now"/> (the outbox's lag).</summary>
    Task<long> DueDeliveryCountAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The earliest run timer or delivery due time, or null when nothing is scheduled.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes run changes, log lines, deliveries and contacts in one transaction (and moves a follower position when
    /// given). Fails with <see cref="PositionConflictException"/> and changes nothing when another node moved
    /// one of the runs (its version) or the position first.
    /// </summary>
    Task CommitJourneysAsync(JourneyCommit commit, CancellationToken cancellationToken);

    /// <summary>A trigger's runs, newest first, optionally for one profile.</summary>
    Task<IReadOnlyList<JourneyRun>> RunsAsync(string triggerId, string? profileId, int limit, CancellationToken cancellationToken);

    /// <summary>The execution log of these runs, oldest first.</summary>
    Task<IReadOnlyList<ExecutionLogEntry>> ExecutionLogAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken);

    /// <summary>How many of a trigger's runs are in each status, and its deliveries in each status.</summary>
    Task<TriggerStats> TriggerStatsAsync(string triggerId, CancellationToken cancellationToken);

    /// <summary>Claims pending deliveries of a lane due by <paramref name="now"/> (one node gets each), counting the attempt.</summary>
    Task<IReadOnlyList<ActionDelivery>> ClaimDeliveriesAsync(DateTimeOffset now, int max, DeliveryLane lane, CancellationToken cancellationToken);

    /// <summary>Deliveries claimed before <paramref name="claimedBefore"/> and never completed: the node that claimed them died mid-send.</summary>
    Task<IReadOnlyList<ActionDelivery>> InterruptedDeliveriesAsync(DateTimeOffset claimedBefore, int max, CancellationToken cancellationToken);

    /// <summary>Records how claimed deliveries' attempts ended, with their log lines, in one transaction.</summary>
    Task CompleteDeliveriesAsync(IReadOnlyList<DeliveryResult> results, CancellationToken cancellationToken);

    /// <summary>Deliveries whose last try failed, newest first, optionally of one trigger.</summary>
    Task<IReadOnlyList<ActionDelivery>> DeadLettersAsync(string? triggerId, int limit, CancellationToken cancellationToken);

    /// <summary>Puts a dead letter back in the outbox, due at <paramref name="now"/> with its attempts reset; false when it is not dead.</summary>
    Task<bool> RetryDeadLetterAsync(string deliveryId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Counts by status: runs (waiting, completed, exited) and deliveries (pending, sending, sent, failed, dead).</summary>
public sealed record TriggerStats(IReadOnlyDictionary<string, long> Runs, IReadOnlyDictionary<string, long> Deliveries);

/// <summary>A trigger as stored: its definition in the JSON form it was written in, and its webhook signing secret.</summary>
public sealed record StoredTrigger(string Id, string Name, string Definition, bool Enabled, string Secret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One row of the segment history, with its id (the trigger engine's position in it).</summary>
public readonly record struct SegmentChangeEntry(long Id, string SegmentId, string ProfileId, bool Entered, DateTimeOffset At);

/// <summary>One line of the execution log, for the API.</summary>
public sealed record ExecutionLogEntry(string RunId, string TriggerId, string ProfileId, DateTimeOffset At, string? Step, string Kind, string Detail);

/// <summary>A run to insert (<paramref name="ExpectedVersion"/> null) or to update from <paramref name="ExpectedVersion"/>.</summary>
public sealed record RunWrite(JourneyRun Run, long? ExpectedVersion);

/// <summary>What one trigger engine batch writes, in one transaction with the position move it makes (if any).</summary>
public sealed record JourneyCommit(
    IReadOnlyList<RunWrite> Runs,
    IReadOnlyList<ExecutionLogEntry> Log,
    IReadOnlyList<ActionDelivery> Deliveries,
    IReadOnlyList<Contact> Contacts,
    PositionMove? Position)
{
    /// <summary>Items set aside instead of processed; stored in the same transaction, so the position moves past them atomically.</summary>
    public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];
}

/// <summary>
/// One action in the outbox. <see cref="Id"/> is the idempotency key (run and step): inserted once, so an action
/// runs at most once per journey step; webhooks send it as <c>Idempotency-Key</c>.
/// </summary>
/// <param name="Kind">email, webhook or profile.</param>
/// <param name="Payload">What to send, rendered when the run reached the step (JSON).</param>
public sealed record ActionDelivery(string Id, string RunId, string TriggerId, string ProfileId, string Kind, string Payload, DeliveryStatus Status,
    int Attempts, int MaxAttempts, DateTimeOffset DueAt, string? LastError, DateTimeOffset CreatedAt);

/// <param name="Status">sent, pending (retry at <paramref name="DueAt"/>), failed or dead.</param>
public sealed record DeliveryResult(string Id, DeliveryStatus Status, DateTimeOffset DueAt, string? Error, ExecutionLogEntry Log);

/// <summary>Email is slow (an SMTP transaction each) and runs in its own lane, so it never holds up webhooks.</summary>
public enum DeliveryLane
{
    All,
    Email,
    NotEmail,
}
