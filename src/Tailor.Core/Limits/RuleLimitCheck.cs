using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Limits;

/// <summary>Measures a rule without recursion, so that even a rule built in code cannot overflow the stack here.</summary>
public static class RuleLimitCheck
{
    /// <summary>The rule's depth (a leaf is 1) and node count; stops counting once either passes its limit.</summary>
    public static (int Depth, int Nodes) Measure(Rule rule, DefinitionLimits limits)
    {
        var stack = new Stack<(Rule Rule, int Depth)>();
        stack.Push((rule, 1));
        int deepest = 0, nodes = 0;
        while (stack.Count > 0)
        {
            var (current, depth) = stack.Pop();
            nodes++;
            deepest = Math.Max(deepest, depth);
            if (deepest > limits.MaxRuleDepth || nodes > limits.MaxRuleNodes) break;
            switch (current)
            {
                case AllOf all: foreach (var r in all.Rules) stack.Push((r, depth + 1)); break;
                case AnyOf any: foreach (var r in any.Rules) stack.Push((r, depth + 1)); break;
                case Not not: stack.Push((not.Rule, depth + 1)); break;
                case ForSome forSome: stack.Push((forSome.Rule, depth + 1)); break;
            }
        }
        return (deepest, nodes);
    }

    /// <summary>The limit the rule breaks, worded for an error message; null when it is within every limit.</summary>
    public static string? Violation(Rule rule, DefinitionLimits limits)
    {
        var (depth, nodes) = Measure(rule, limits);
        if (depth > limits.MaxRuleDepth) return DepthMessage(limits);
        if (nodes > limits.MaxRuleNodes) return NodesMessage(limits);
        return null;
    }

    public static string DepthMessage(DefinitionLimits limits) => $"a rule nested at most {limits.MaxRuleDepth} levels deep (limit MaxRuleDepth)";

    public static string NodesMessage(DefinitionLimits limits) => $"a rule of at most {limits.MaxRuleNodes} conditions (limit MaxRuleNodes)";

    public static string TextMessage(DefinitionLimits limits) => $"a rule of at most {limits.MaxRuleTextLength} characters (limit MaxRuleTextLength)";
}
