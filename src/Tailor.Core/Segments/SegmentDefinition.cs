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

    /// <summary>
    /// Why a stored segment cannot be loaded (its rule no longer parses or breaks a limit, or it refers to such a
    /// segment); null for a live one. A disabled segment keeps its members frozen and is never evaluated.
    /// </summary>
    public string? Disabled { get; init; }

    /// <summary>The rule as stored, when it could not be read (<see cref="Rule"/> is then a placeholder that matches no one).</summary>
    public string? StoredRule { get; init; }

    /// <summary>A stand-in for a stored segment whose rule text cannot be read.</summary>
    public static SegmentDefinition Unreadable(string id, string name, string storedRule, string reason, string? parentId, int minSize,
        DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
        new(id, name, new AnyOf(ValueList<Rule>.Empty), parentId, minSize, createdAt, updatedAt) { Disabled = reason, StoredRule = storedRule };
}
