namespace Tailor.Core.Experiments;

/// <summary>A contrast of cell means in a full factorial: a main effect (<c>headline=b</c>) or a two-way interaction (<c>headline=b×image=y</c>), each against the factors' first (baseline) levels.</summary>
/// <param name="Estimate">Null when a cell it uses has fewer than 2 units.</param>
/// <param name="StandardError">√(Σ c² · s²/n) over the cells, with the cells' own variances (no pooling).</param>
public sealed record FactorialEffect(string Name, double? Estimate, double? StandardError);
