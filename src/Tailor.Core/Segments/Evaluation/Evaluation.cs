namespace Tailor.Core.Segments.Evaluation;

/// <summary>
/// Whether a profile matches a rule now, and the earliest moment the answer could change with no new input
/// (an event leaving a time window). The engine re-evaluates the profile exactly then.
/// </summary>
public readonly record struct Evaluation(bool Matched, DateTimeOffset? NextChange);

/// <summary>Why a rule matched or not, condition by condition.</summary>
public sealed record Explanation(bool Matched, string Condition, string Detail, IReadOnlyList<Explanation> Because);
