using Tailor.Core.Destinations;
using Tailor.Server.Pipeline;

namespace Tailor.Server.Destinations;

/// <summary>Moves one kind of destination forward by one step (called by <see cref="DestinationsFollower"/>).</summary>
public interface IDestinationDriver
{
    /// <summary>The <see cref="Destination.Kind"/> it drives.</summary>
    string Kind { get; }

    /// <summary>
    /// Does the next step and commits it with its positions; returns how many items it processed and, when none, when
    /// it next has something due (a partial batch's wait, a retry). Throws when the step failed and committed nothing;
    /// the follower backs that destination off.
    /// </summary>
    Task<FollowerStep> StepAsync(Destination destination, CancellationToken cancellationToken);
}
