namespace Tailor.Analytics.Experiments;

/// <summary>A two-sided interval (confidence, confidence-sequence or credible).</summary>
public readonly record struct Interval(double Lower, double Upper)
{
    /// <summary>True when the interval does not contain <paramref name="value"/>.</summary>
    public bool Excludes(double value) => value < Lower || value > Upper;
}
