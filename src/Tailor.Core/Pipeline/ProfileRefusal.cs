namespace Tailor.Core.Pipeline;

/// <summary>
/// Something the pipeline refused to do to a profile because of a guard or a cap: a merge, an identity link, a new
/// trait, or an event that named no usable identity at all (<see cref="ProfileId"/> is null then).
/// </summary>
/// <param name="Kind">One of <see cref="ProfileRefusalKinds"/>.</param>
/// <param name="Sequence">The log sequence of the event that was refused.</param>
public sealed record ProfileRefusal(string? ProfileId, string Kind, string Detail, long Sequence, string MessageId, DateTimeOffset At)
{
    /// <summary>A refusal of what <paramref name="view"/>'s event asked for.</summary>
    public static ProfileRefusal Of(string? profileId, string kind, string detail, in Events.EventView view) =>
        new(profileId, kind, detail, view.Logged.Sequence, view.Event.MessageId, view.Event.ReceivedAt);
}

/// <summary>The kinds of <see cref="ProfileRefusal"/>.</summary>
public static class ProfileRefusalKinds
{
    /// <summary>Every identity of the event was empty or an ignored value: it belongs to no profile.</summary>
    public const string Unresolvable = "unresolvable";

    /// <summary>A merge would have given the profile more identities than the cap allows.</summary>
    public const string Merge = "merge";

    /// <summary>A new identity was not linked: the profile holds the most identities allowed.</summary>
    public const string Identity = "identity";

    /// <summary>A new trait, from an event or a merged profile, was not added: the profile holds the most traits or trait bytes allowed.</summary>
    public const string Trait = "trait";

    /// <summary>A request to undo a merge that could not be applied (not found, already undone, no longer merged).</summary>
    public const string Undo = "undo";
}
