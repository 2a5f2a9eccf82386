namespace Tailor.Analytics.Recommendations;

/// <summary>The offline evaluation: the split's sizes, each model's scores (the popularity baseline included) and the model chosen, with why.</summary>
public sealed record EvaluationReport(
    int K,
    int Users,
    int UsersEvaluated,
    int Items,
    int TrainInteractions,
    int HeldOutInteractions,
    IReadOnlyList<ModelScores> Models,
    string Winner,
    string Reason);
