namespace Tailor.Analytics.Experiments;

/// <summary>Why an experiment's sums or options cannot be analysed: the field (as JSON names it) and the rule it breaks.</summary>
/// <param name="Field">E.g. <c>metrics[1].arms[0].sumOfSquares</c>.</param>
/// <param name="Rule">E.g. "is required for a mean metric".</param>
public sealed record InputProblem(string Field, string Rule);
