namespace Tailor.Application.Analytics;

/// <summary>Traits to write back to one profile, e.g. <c>churn_score = 0.81</c>. Values are numbers, strings, booleans or null.</summary>
public sealed record ProfileScores(string ProfileId, IReadOnlyDictionary<string, object?> Traits);
