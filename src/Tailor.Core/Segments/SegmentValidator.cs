using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;

namespace Tailor.Core.Segments;

/// <summary>Checks a new or edited segment against the others before anything is saved.</summary>
public static class SegmentValidator
{
    public const int MaxNameLength = 200;

    /// <summary>The first problem found, naming the field and the rule it broke; null when the segment can be saved.</summary>
    public static ValidationError? Validate(SegmentDefinition candidate, SegmentCatalog catalog)
    {
        if (string.IsNullOrWhiteSpace(candidate.Name)) return new ValidationError("name", "is required");
        if (candidate.Name.Length > MaxNameLength) return new ValidationError("name", $"must be at most {MaxNameLength} characters");
        if (catalog.ByName(candidate.Name) is { } same && same.Id != candidate.Id)
            return new ValidationError("name", "must be unique: a segment with this name exists");
        if (catalog.DisabledSegment(candidate.Name) is { } disabled && disabled.Id != candidate.Id)
            return new ValidationError("name", "must be unique: a disabled segment with this name exists (delete it first)");
        if (candidate.MinSize < 0) return new ValidationError("minSize", "must be zero or more");
        if (candidate.ParentId == candidate.Id) return new ValidationError("parent", "must be another segment");
        if (candidate.ParentId is { } parent && catalog.ById(parent) is null) return new ValidationError("parent", "must be an existing segment");
        if (UnknownComputed(candidate.Rule) is { } unknown)
            return new ValidationError("rule", $"computed trait '{unknown}' does not exist; known: {string.Join(", ", ComputedValues.Names)}");
        try
        {
            _ = new SegmentCatalog([.. catalog.InOrder.Select(c => c.Definition).Where(d => d.Id != candidate.Id), candidate]);
        }
        catch (SegmentCatalogException ex)
        {
            return new ValidationError("rule", ex.Rule);
        }
        return null;
    }

    /// <summary>
    /// Why <paramref name="segment"/> cannot be deleted yet: the other definitions that name it (segments, triggers,
    /// campaigns not yet completed, content blocks shown by placements), which would otherwise go on naming a
    /// segment that is gone. Null when nothing depends on it.
    /// </summary>
    public static ValidationError? CheckDelete(SegmentDefinition segment, SegmentCatalog catalog, IEnumerable<TriggerDefinition> triggers,
        IEnumerable<Campaign> campaigns, IEnumerable<ContentBlock> blocks)
    {
        var parts = new List<string>();
        Add("segments", catalog.ById(segment.Id) is null ? Enumerable.Empty<string>() : catalog.WithDependents([segment.Id]).Where(c => c.Id != segment.Id).Select(c => c.Name));
        Add("triggers", triggers.Where(t => Names(t, segment.Name)).Select(t => t.Name));
        Add("campaigns", campaigns.Where(c => c.Status != Campaign.Completed && c.Segment == segment.Name).Select(c => c.Name));
        Add("blocks", blocks.Where(b => Names(b, segment.Name)).Select(b => b.Name));
        return parts.Count == 0 ? null : new ValidationError("segment", $"others refer to this one and must change first: {string.Join("; ", parts)}");

        void Add(string kind, IEnumerable<string> names)
        {
            var list = names.Order(StringComparer.Ordinal).ToList();
            if (list.Count > 0) parts.Add($"{kind} {string.Join(", ", list)}");
        }
    }

    private static bool Names(TriggerDefinition trigger, string segment) =>
        trigger.Start switch
        {
            SegmentStart start => start.Segment == segment,
            EventStart { If: { } rule } => Names(rule, segment),
            ScheduleStart start => Names(start.If, segment),
            _ => false,
        }
        || trigger.Steps.OfType<ConditionStep>().Any(c => Names(c.If, segment));

    private static bool Names(ContentBlock block, string segment) =>
        block.Variants.Any(v => v.Condition is { } rule && Names(rule, segment)) || (block.Tree is { } tree && Names(tree, segment));

    private static bool Names(DecisionNode node, string segment) =>
        (node.Condition is { } rule && Names(rule, segment)) || (node.Then is { } then && Names(then, segment)) || (node.Else is { } @else && Names(@else, segment));

    private static bool Names(Rule rule, string segment) => RuleDependencies.Of(rule).Segments.Contains(segment);

    private static string? UnknownComputed(Rule rule) => rule switch
    {
        ComputedIs c when !ComputedValues.IsKnown(c.Name) => c.Name,
        ComputedInTop t when t.Name is not ("eventCount" or "orderCount" or "totalRevenue" or "averageOrderValue" or "engagementScore") => t.Name,
        AllOf all => all.Rules.Select(UnknownComputed).FirstOrDefault(n => n is not null),
        AnyOf any => any.Rules.Select(UnknownComputed).FirstOrDefault(n => n is not null),
        Not not => UnknownComputed(not.Rule),
        ForSome forSome => UnknownComputed(forSome.Rule),
        _ => null,
    };

    /// <summary>
    /// The segment personalization should use for <paramref name="segmentId"/>: itself, or, while it has fewer members
    /// than its minimum size, the nearest ancestor that is big enough (the top one if none is).
    /// </summary>
    public static SegmentCatalog.Compiled? Effective(string segmentId, SegmentCatalog catalog, IReadOnlyDictionary<string, long> sizes)
    {
        var current = catalog.ById(segmentId);
        while (current is not null && sizes.GetValueOrDefault(current.Id) < current.Definition.MinSize && current.Definition.ParentId is { } parent)
            current = catalog.ById(parent);
        return current;
    }
}
