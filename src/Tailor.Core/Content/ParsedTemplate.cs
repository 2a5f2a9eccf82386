using Fluid;

namespace Tailor.Core.Content;

/// <summary>
/// A template parsed once and rendered many times: immutable, safe to share between threads and to cache.
/// </summary>
public sealed class ParsedTemplate
{
    internal ParsedTemplate(string source, IFluidTemplate fluid, IReadOnlyList<VariableReference> references, IReadOnlyList<string> blockNames)
    {
        Source = source;
        Fluid = fluid;
        References = references;
        BlockNames = blockNames;
    }

    /// <summary>The variables the template reads, with their lines (found once, at parse time).</summary>
    public IReadOnlyList<VariableReference> References { get; }

    public string Source { get; }

    /// <summary>The blocks the template includes with <c>{% block "name" %}</c>, in order of first use.</summary>
    public IReadOnlyList<string> BlockNames { get; }

    internal IFluidTemplate Fluid { get; }

    private static long _count;

    /// <summary>Names this parse uniquely for the snippet cache (<see cref="SnippetResolver"/>).</summary>
    internal string Key { get; } = $"tpl-{Interlocked.Increment(ref _count)}";
}
