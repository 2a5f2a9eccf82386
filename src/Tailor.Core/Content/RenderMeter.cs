using System.Runtime.CompilerServices;
using Fluid;

namespace Tailor.Core.Content;

/// <summary>
/// The running cost of one render against its <see cref="RenderBudget"/>: output bytes, elapsed time, cancellation,
/// and Fluid's statement count carried from a template into the blocks it includes and back, so included blocks
/// share one budget instead of each starting afresh.
/// </summary>
internal sealed class RenderMeter(RenderBudget budget, TimeProvider time, CancellationToken cancellationToken)
{
    /// <summary>A meter with the whole budget again, for the same caller.</summary>
    public RenderMeter Fresh() => new(Budget, time, cancellationToken);

    private readonly long _started = time.GetTimestamp();
    private long _outputBytes;

    public RenderBudget Budget { get; } = budget;

    /// <summary>Fluid keeps its statement count private and per context; this reads and writes it (tested: a rename fails the budget tests).</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_steps")]
    private static extern ref int StepsOf(TemplateContext context);

    /// <summary>A new context starts from the steps its parent has used.</summary>
    public static void CarrySteps(TemplateContext from, TemplateContext to) => StepsOf(to) = StepsOf(from);

    public static int Steps(TemplateContext context) => StepsOf(context);

    /// <summary>Throws when time is up or the caller gave up; called at every output write, loop iteration and block.</summary>
    public void Check()
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Budget.MaxDuration != TimeSpan.MaxValue && time.GetElapsedTime(_started) > Budget.MaxDuration)
            throw new RenderBudgetExceededException(nameof(RenderBudget.MaxDuration), $"it ran longer than {Budget.MaxDuration.TotalMilliseconds:0} ms");
    }

    public void AddOutput(int bytes)
    {
        _outputBytes += bytes;
        if (_outputBytes > Budget.MaxOutputBytes)
            throw new RenderBudgetExceededException(nameof(RenderBudget.MaxOutputBytes), $"it wrote more than {Budget.MaxOutputBytes} bytes");
        Check();
    }

    public void CheckRange(decimal from, decimal to)
    {
        if (to - from + 1 > Budget.MaxRangeLength)
            throw new RenderBudgetExceededException(nameof(RenderBudget.MaxRangeLength), $"the range ({from}..{to}) has more than {Budget.MaxRangeLength} items");
        Check();
    }

    /// <summary>The budget error for a context whose statement count went past the limit; null when it did not.</summary>
    public RenderBudgetExceededException? StepsExceeded(TemplateContext context) =>
        Budget.MaxSteps > 0 && Steps(context) > Budget.MaxSteps
            ? new RenderBudgetExceededException(nameof(RenderBudget.MaxSteps), $"it ran more than {Budget.MaxSteps} statements")
            : null;
}
