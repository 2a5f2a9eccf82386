using Tailor.Core.Segments.Rules;

namespace Tailor.Application.Segments;

/// <summary>
/// What a caller gives to create or change a segment. On a change, a null field keeps what the segment has; on a
/// create (or a save by name) it means none (no parent) or the default (<see cref="Core.Segments.SegmentDefinition.DefaultMinSize"/>).
/// </summary>
/// <param name="Parent">The parent segment's name or id.</param>
public sealed record SegmentInput(string? Name, Rule? Rule, string? Parent = null, int? MinSize = null);
