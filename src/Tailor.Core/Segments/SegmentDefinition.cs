using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Segments;

/// <summary>
/// A named rule over profiles. A segment with a parent is a micro-segment inside it: its members are the parent's
/// members that also match its own rule. Below <see cref="MinSize"/> members it is "too small", and personalization
/// uses its parent instead.
/// </summary>
public sealed record SegmentDefinition(
    string Id,
    string Name,
    Rule Rule,
    string? ParentId,
    int MinSize,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const int DefaultMinSize = 50;
}
