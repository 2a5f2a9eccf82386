using System.Text.Encodings.Web;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Tailor.Core.Content;

/// <summary>
/// Rewrites a parsed template so that it keeps to its render's budget: every range <c>(a..b)</c> checks its length
/// before Fluid builds it (Fluid would otherwise materialise a hundred million numbers), and every loop iteration
/// checks the clock and the caller's cancellation.
/// </summary>
internal sealed class BudgetRewriter : AstRewriter
{
    /// <summary>Where a render keeps its <see cref="RenderMeter"/> in the template context.</summary>
    public const string MeterKey = "tailor.meter";

    public static IFluidTemplate Apply(IFluidTemplate template) => new BudgetRewriter().VisitTemplate(template);

    private static RenderMeter? MeterOf(TemplateContext context) =>
        context.AmbientValues.TryGetValue(MeterKey, out var meter) ? meter as RenderMeter : null;

    protected override Expression VisitRangeExpression(RangeExpression rangeExpression)
    {
        var visited = base.VisitRangeExpression(rangeExpression);
        return visited is RangeExpression range ? new CheckedRange(range) : visited;
    }

    protected override Statement VisitForStatement(ForStatement forStatement)
    {
        var visited = base.VisitForStatement(forStatement);
        if (visited is not ForStatement loop) return visited;
        return new ForStatement([Checkpoint.Instance, .. loop.Statements], loop.Identifier, loop.Source, loop.Limit, loop.Offset, loop.Reversed, loop.Else, forStatement.CollectionName);
    }

    /// <summary>A range that measures itself first; within the budget it is Fluid's own range.</summary>
    private sealed class CheckedRange(RangeExpression range) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            if (MeterOf(context) is { } meter)
            {
                var from = (await range.From.EvaluateAsync(context)).ToNumberValue(context);
                var to = (await range.To.EvaluateAsync(context)).ToNumberValue(context);
                meter.CheckRange(from, to);
            }
            return await range.EvaluateAsync(context);
        }
    }

    /// <summary>The first statement of every loop body: writes nothing, stops a render that ran out of time or was cancelled.</summary>
    private sealed class Checkpoint : Statement
    {
        public static readonly Checkpoint Instance = new();

        /// <summary>Writes nothing, so a loop whose body is otherwise blank stays blank (Liquid prints nothing for it).</summary>
        public override bool IsWhitespaceOrCommentOnly => true;

        public override ValueTask<Completion> WriteToAsync(IFluidOutput output, TextEncoder encoder, TemplateContext context)
        {
            MeterOf(context)?.Check();
            return new ValueTask<Completion>(Completion.Normal);
        }
    }
}
