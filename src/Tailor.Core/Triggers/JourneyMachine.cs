using System.Globalization;

namespace Tailor.Core.Triggers;

/// <summary>
/// The journey state machine. Pure: given a run, one input (entry, an event, its timer) and the profile's facts, it
/// returns the run's next state, the log lines that explain it, and the actions to run. Every moment is event time:
/// a wait reached through an event stamped 29 min 57 s ago with 30 minutes to wait is due in 3 s.
/// Steps only jump forward, so a run visits each step at most once and "run id : step id" keys an action uniquely.
/// </summary>
public static class JourneyMachine
{
    /// <summary>The log kind of a run's exposure at an <see cref="ExperimentStep"/>: the engine logs the exposure for it.</summary>
    public const string ExposureKind = "exposure";

    /// <summary>A profile enters at <paramref name="at"/>; the run walks until it waits, exits or completes.</summary>
    public static JourneyTransition Enter(TriggerDefinition trigger, string runId, string triggerId, string profileId,
        DateTimeOffset at, string startEvent, string because, IJourneyFacts facts)
    {
        var run = new JourneyRun(runId, triggerId, profileId, 0, RunStatus.Waiting, at, null, null, null, null, 0, startEvent);
        var walk = new Walk(trigger, facts);
        walk.Log(at, null, "entered", because);
        return walk.From(run, 0, at);
    }

    /// <summary>
    /// An event of the run's profile, stamped <paramref name="at"/>. The goal ends the run at any step; the event a
    /// wait is waiting for ends the wait if it happened before the wait ran out. Null when the event changes nothing.
    /// </summary>
    public static JourneyTransition? OnEvent(TriggerDefinition trigger, JourneyRun run, string eventName, DateTimeOffset at, IJourneyFacts facts)
    {
        if (run.Status != RunStatus.Waiting || at < run.EnteredAt) return null;
        var walk = new Walk(trigger, facts);
        if (trigger.Goal == eventName)
            return walk.Exit(run, run.Step, at, $"goal reached: {eventName}");
        if (run.WaitingFor is { } waitingFor && (waitingFor == EventStart.AnyEvent || waitingFor == eventName)
            && (run.DueAt is not { } due || at < due) && trigger.Steps[run.Step] is WaitStep wait)
        {
            walk.Log(at, wait.Id, "resumed", $"{eventName} happened before the wait ran out");
            return walk.Go(run, run.Step, wait.OnEvent, at, $"{eventName} happened");
        }
        return null;
    }

    /// <summary>The run's timer fell due: the wait ran out, or quiet hours ended. Walks on as of the due moment.</summary>
    public static JourneyTransition OnTimer(TriggerDefinition trigger, JourneyRun run, IJourneyFacts facts)
    {
        var at = run.DueAt ?? throw new InvalidOperationException($"run {run.Id} has no timer");
        var walk = new Walk(trigger, facts);
        if (trigger.Steps[run.Step] is WaitStep wait)
        {
            walk.Log(at, wait.Id, "resumed", wait.Until is null ? "the wait ended" : $"no {wait.Until} within {Durations.Format(wait.Duration)}");
            return walk.Go(run, run.Step, wait.OnTimeout, at, "the wait timed out");
        }
        return walk.From(run, run.Step, at); // an action held back by quiet hours
    }

    /// <summary>Ends a waiting run without walking on (e.g. its trigger was disabled).</summary>
    public static JourneyTransition Stop(JourneyRun run, DateTimeOffset at, string reason) =>
        new(run with { Status = RunStatus.Exited, DueAt = null, WaitingFor = null, Outcome = reason, EndedAt = at, Version = run.Version + 1 },
            [new JourneyLogEntry(at, null, "exited", reason)], []);

    private sealed class Walk(TriggerDefinition trigger, IJourneyFacts facts)
    {
        private readonly List<JourneyLogEntry> _log = [];
        private readonly List<ActionDecision> _actions = [];

        public void Log(DateTimeOffset at, string? step, string kind, string detail) => _log.Add(new JourneyLogEntry(at, step, kind, detail));

        /// <summary>Follows a target from step <paramref name="from"/>: the next step, a named later step, or out.</summary>
        public JourneyTransition Go(JourneyRun run, int from, string target, DateTimeOffset at, string why) => target switch
        {
            StepTargets.Next => From(run, from + 1, at),
            StepTargets.Exit => Exit(run, from, at, why),
            _ => From(run, trigger.IndexOf(target), at),
        };

        public JourneyTransition From(JourneyRun run, int index, DateTimeOffset at)
        {
            while (index < trigger.Steps.Count)
            {
                switch (trigger.Steps[index])
                {
                    case WaitStep wait:
                    {
                        var due = at + wait.Duration;
                        Log(at, wait.Id, "waiting", wait.Until is null
                            ? $"waits {Durations.Format(wait.Duration)}, until {Iso(due)}"
                            : $"waits up to {Durations.Format(wait.Duration)} (until {Iso(due)}) for {wait.Until}");
                        return Done(run with { Step = index, Status = RunStatus.Waiting, DueAt = due, WaitingFor = wait.Until });
                    }
                    case ConditionStep condition:
                    {
                        var matched = facts.Matches(condition.If, at);
                        Log(at, condition.Id, "condition", matched ? "true" : "false");
                        var target = matched ? condition.Then : condition.Else;
                        if (target == StepTargets.Exit) return Exit(run, index, at, matched ? "condition true" : "condition false");
                        index = target == StepTargets.Next ? index + 1 : trigger.IndexOf(target);
                        break;
                    }
                    case ActionStep step:
                    {
                        if (trigger.QuietHours is { } quiet && step.Action.Channel is "email" or "sms"
                            && QuietHoursWindow.QuietUntil(quiet, facts.Profile, at) is { } opens)
                        {
                            Log(at, step.Id, "quiet-hours", $"{step.Action.Channel} waits for quiet hours to end at {Iso(opens)}");
                            return Done(run with { Step = index, Status = RunStatus.Waiting, DueAt = opens, WaitingFor = null });
                        }
                        _actions.Add(new ActionDecision(step.Id, step.Action, $"{run.Id}:{step.Id}", at));
                        Log(at, step.Id, "action", step.Action.Kind);
                        index++;
                        break;
                    }
                    case ExperimentStep split:
                    {
                        var target = split.Otherwise;
                        if (facts.ArmOf(trigger.Name) is not { } arm) Log(at, split.Id, "experiment", $"in no experiment: goes to {target}");
                        else
                        {
                            target = arm.Target ?? split.Otherwise;
                            // A value that is not a later step would loop or go nowhere: such an arm takes the default path.
                            if (target is not (StepTargets.Next or StepTargets.Exit) && trigger.IndexOf(target) <= index) target = split.Otherwise;
                            Log(at, split.Id, ExposureKind, $"arm {arm.Arm} of experiment {arm.Experiment}: goes to {target}");
                        }
                        if (target == StepTargets.Exit) return Exit(run, index, at, "experiment arm exits");
                        index = target == StepTargets.Next ? index + 1 : trigger.IndexOf(target);
                        break;
                    }
                    case ExitStep exit:
                        return Exit(run, index, at, exit.Reason);
                }
            }
            Log(at, null, "completed", "walked every step");
            return Done(run with { Step = trigger.Steps.Count, Status = RunStatus.Completed, DueAt = null, WaitingFor = null, Outcome = "completed", EndedAt = at });
        }

        public JourneyTransition Exit(JourneyRun run, int index, DateTimeOffset at, string reason)
        {
            Log(at, index < trigger.Steps.Count ? trigger.Steps[index].Id : null, "exited", reason);
            return Done(run with { Step = index, Status = RunStatus.Exited, DueAt = null, WaitingFor = null, Outcome = reason, EndedAt = at });
        }

        private JourneyTransition Done(JourneyRun next) => new(next with { Version = next.Version + 1 }, _log, _actions);

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }
}

/// <summary>Durations written back the way triggers spell them (<c>30m</c>, <c>48h</c>).</summary>
public static class Durations
{
    public static string Format(TimeSpan d)
    {
        var s = (long)d.TotalSeconds;
        if (s % 604_800 == 0) return $"{s / 604_800}w";
        if (s % 86_400 == 0) return $"{s / 86_400}d";
        if (s % 3600 == 0) return $"{s / 3600}h";
        if (s % 60 == 0) return $"{s / 60}m";
        return $"{s}s";
    }
}
