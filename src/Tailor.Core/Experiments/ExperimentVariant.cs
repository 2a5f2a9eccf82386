namespace Tailor.Core.Experiments;

/// <summary>One arm of an experiment.</summary>
/// <param name="Weight">Share of the non-holdout traffic; either every variant gives one and they sum to 1, or none does (an equal split).</param>
/// <param name="Block">Placement experiments: the block this arm serves.</param>
/// <param name="Template">Placement and campaign experiments: the template this arm serves or sends.</param>
/// <param name="Value">Block experiments: the block variant served; trigger experiments: the branch; flags: the value returned.</param>
/// <param name="Levels">Multivariate cells: the level of each factor, by factor name (generated).</param>
public sealed record ExperimentVariant(string Key, double? Weight = null, string? Block = null, string? Template = null, string? Value = null,
    IReadOnlyDictionary<string, string>? Levels = null);
