namespace Tailor.Analytics.Propensity;

/// <summary>The few LightGBM hyper-parameters a run may set; the defaults suit tens to hundreds of thousands of customers.</summary>
/// <param name="Iterations">Boosting rounds (trees). Default 100.</param>
/// <param name="Leaves">Maximum leaves per tree. Default 15.</param>
/// <param name="LearningRate">Shrinkage applied to each tree. Default 0.1.</param>
/// <param name="MinimumLeafSize">Minimum customers in a leaf, which keeps small data from being memorised. Default 20.</param>
/// <param name="Seed">Seed of LightGBM and of the fold assignment; the same data and seed give the same model. Default 42.</param>
public sealed record GradientBoostingOptions(int Iterations = 100, int Leaves = 15, double LearningRate = 0.1, int MinimumLeafSize = 20, int Seed = 42);
