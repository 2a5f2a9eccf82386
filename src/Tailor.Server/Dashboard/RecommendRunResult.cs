using Tailor.Analytics.Recommendations;

namespace Tailor.Server.Dashboard;

/// <summary>
/// A <c>recommend</c> run's stored result as the dashboard reads it back (the job writes it as an anonymous object:
/// camelCase, nulls left out): the model served, how it was chosen, the sizes, and the offline evaluation when the
/// model was chosen by one.
/// </summary>
public sealed record RecommendRunResult(
    string? Model,
    string? ChosenBy,
    string? Reason,
    int Profiles,
    int Items,
    int Interactions,
    int InteractionsWithoutConsent,
    int RecommendationsStored,
    int NeighboursStored,
    EvaluationReport? Evaluation);
