namespace Tailor.Core.Triggers;

/// <summary>
/// One profile's walk through one trigger, as stored. While <see cref="Status"/> is <see cref="RunStatus.Waiting"/>
/// the run sits at <see cref="Step"/> until <see cref="DueAt"/> (its timer) or an event named <see cref="WaitingFor"/>.
/// <see cref="Version"/> grows with every change, so two nodes cannot both move a run from the same state.
/// </summary>
/// <param name="StartEvent">The JSON of what started the run (the event message, or the segment change), for templates.</param>
public sealed record JourneyRun(
    string Id,
    string TriggerId,
    string ProfileId,
    int Step,
    RunStatus Status,
    DateTimeOffset EnteredAt,
    DateTimeOffset? DueAt,
    string? WaitingFor,
    string? Outcome,
    DateTimeOffset? EndedAt,
    long Version,
    string StartEvent);

public enum RunStatus
{
    /// <summary>At a step, waiting for its timer or an event.</summary>
    Waiting,
    /// <summary>Walked past its last step.</summary>
    Completed,
    /// <summary>Left early: the goal happened, a condition sent it out, an exit step, or the trigger was disabled.</summary>
    Exited,
}

/// <summary>One line of a run's execution log: what happened, at which step, and why.</summary>
/// <param name="Kind">entered, waiting, resumed, condition, quiet-hours, action, queued, suppressed, consent-refused, sent, retry, failed, dead, exited, completed.</param>
public sealed record JourneyLogEntry(DateTimeOffset At, string? Step, string Kind, string Detail);

/// <summary>An action the run reached: run it once, under <paramref name="IdempotencyKey"/> (the run and the step).</summary>
public sealed record ActionDecision(string StepId, TriggerAction Action, string IdempotencyKey, DateTimeOffset At);

/// <summary>The outcome of feeding a run one input: its next state, what to log, and what to do.</summary>
public sealed record JourneyTransition(JourneyRun Run, IReadOnlyList<JourneyLogEntry> Log, IReadOnlyList<ActionDecision> Actions);
