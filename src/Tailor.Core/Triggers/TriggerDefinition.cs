using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Triggers;

/// <summary>
/// A trigger (journey) as parsed from its JSON form (docs/triggers.md): how a profile enters, the steps it walks,
/// the goal event that ends it early, and the rules that protect the customer. Immutable; parse once, run many times.
/// </summary>
/// <param name="Goal">An event that exits the run at any step (e.g. <c>Order Completed</c> ends a cart journey).</param>
public sealed record TriggerDefinition(
    string Name,
    TriggerStart Start,
    IReadOnlyList<JourneyStep> Steps,
    string? Goal,
    ReentryPolicy Reentry,
    IReadOnlyList<TriggerCap> Caps,
    QuietHours? QuietHours)
{
    /// <summary>The index of the step with id <paramref name="id"/>; -1 when there is none.</summary>
    public int IndexOf(string id)
    {
        for (var i = 0; i < Steps.Count; i++)
            if (Steps[i].Id == id) return i;
        return -1;
    }
}

/// <summary>How a profile enters a trigger.</summary>
public abstract record TriggerStart;

/// <summary>Enters on an event of this name (<c>*</c>: any event), when <paramref name="If"/> holds at the event's time.</summary>
public sealed record EventStart(string Event, Rule? If) : TriggerStart
{
    public const string AnyEvent = "*";

    public bool Matches(string name) => Event == AnyEvent || Event == name;
}

/// <summary>Enters when the profile enters (or exits) a segment.</summary>
public sealed record SegmentStart(string Segment, bool OnEntry) : TriggerStart;

/// <summary>Every <paramref name="Every"/>, enters each profile for which <paramref name="If"/> holds at that moment.</summary>
public sealed record ScheduleStart(TimeSpan Every, Rule If) : TriggerStart;

/// <summary>One step of a journey. Targets are a later step's id, <c>next</c> or <c>exit</c>.</summary>
public abstract record JourneyStep(string Id);

/// <summary>
/// Waits <paramref name="Duration"/>, measured from the moment the step is reached in event time. With
/// <paramref name="Until"/>, an event of that name (<c>*</c>: any) ends the wait early and goes to <paramref name="OnEvent"/>;
/// otherwise the timeout goes to <paramref name="OnTimeout"/>.
/// </summary>
public sealed record WaitStep(string Id, TimeSpan Duration, string? Until, string OnEvent, string OnTimeout) : JourneyStep(Id);

/// <summary>Checks a rule (the segment rule language) and goes to <paramref name="Then"/> or <paramref name="Else"/>.</summary>
public sealed record ConditionStep(string Id, Rule If, string Then, string Else) : JourneyStep(Id);

/// <summary>Runs an action, then goes on to the next step.</summary>
public sealed record ActionStep(string Id, TriggerAction Action) : JourneyStep(Id);

/// <summary>Ends the run with a reason.</summary>
public sealed record ExitStep(string Id, string Reason) : JourneyStep(Id);

/// <summary>Step targets with a meaning of their own.</summary>
public static class StepTargets
{
    public const string Next = "next";
    public const string Exit = "exit";
}

/// <summary>Whether a profile may enter again after a run ended, and how soon after its last entry.</summary>
/// <param name="After">The least time between two entries; null means no minimum.</param>
public sealed record ReentryPolicy(bool Allowed, TimeSpan? After)
{
    public static ReentryPolicy Always { get; } = new(true, null);
    public static ReentryPolicy Never { get; } = new(false, null);
}

/// <summary>At most <paramref name="Max"/> contacts per <paramref name="Per"/> from this trigger, on one channel or all (null).</summary>
public sealed record TriggerCap(int Max, TimeSpan Per, string? Channel);

/// <summary>
/// Hours in which email and SMS actions wait: from <paramref name="From"/> to <paramref name="To"/> local time in the
/// profile's timezone (trait <c>timezone</c>, IANA), else in <paramref name="Timezone"/>. May span midnight.
/// </summary>
public sealed record QuietHours(TimeOnly From, TimeOnly To, string Timezone);
