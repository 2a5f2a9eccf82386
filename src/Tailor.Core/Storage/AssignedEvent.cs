using Tailor.Core.Events;

namespace Tailor.Core.Storage;

/// <summary>
/// A logged event with the profile the profile pipeline assigned it to: what the followers after the pipeline read.
/// (<see cref="LoggedEvent"/> is an event with its log sequence, before any profile owns it.)
/// </summary>
public sealed record AssignedEvent(long Sequence, string ProfileId, TailorEvent Event);
