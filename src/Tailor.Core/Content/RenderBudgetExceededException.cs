namespace Tailor.Core.Content;

/// <summary>A render went past its <see cref="RenderBudget"/>: which limit, and where when known.</summary>
public sealed class RenderBudgetExceededException(string limit, string detail)
    : Exception($"the render went past its budget: {detail} (limit {limit})")
{
    /// <summary>The <see cref="RenderBudget"/> property that was exceeded, e.g. <c>MaxRangeLength</c>.</summary>
    public string Limit { get; } = limit;
}
