namespace Tailor.Analytics.Recommendations;

/// <summary>One model's offline figures: means over the evaluated users of precision, recall and NDCG at k, and the share of the catalogue recommended to anyone.</summary>
public sealed record ModelScores(string Model, double Precision, double Recall, double Ndcg, double Coverage, double TrainSeconds);
