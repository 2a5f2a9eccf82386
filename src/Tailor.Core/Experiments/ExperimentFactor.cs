namespace Tailor.Core.Experiments;

/// <summary>A factor of a multivariate test (e.g. <c>headline</c> with levels <c>a</c>, <c>b</c>); the first level is the baseline effects are measured against.</summary>
public sealed record ExperimentFactor(string Name, IReadOnlyList<string> Levels);
