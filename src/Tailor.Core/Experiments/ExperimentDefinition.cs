using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Core.Experiments;

/// <summary>
/// An experiment as the operator defines it (docs/experiments.md): what is under test (<see cref="Subject"/>), the
/// variants with their allocation weights, who may enter (<see cref="Audience"/>, a segment), the metrics, an optional
/// holdout that gets no personalization, and for a multivariate test the factors whose full factorial the variants are.
/// </summary>
/// <param name="Key">Stable identifier; part of the assignment hash, so it never changes once the experiment runs.</param>
/// <param name="Holdout">Fraction of the audience (0 ≤ h &lt; 1) that gets the non-personalised default and is measured as arm <c>holdout</c>.</param>
/// <param name="Factors">For a multivariate test: the factors; the variants are then generated, one per cell (<see cref="Factorial"/>).</param>
/// <param name="Method">How results are analysed: <c>sequential</c> (default), <c>fixedHorizon</c> or <c>bayesian</c>.</param>
/// <param name="PlannedUnits">The planned total units over all arms: given, or computed from <see cref="Plan"/> when the experiment is created or changed.
/// A fixed-horizon analysis calls no winner before it is reached.</param>
/// <param name="Plan">What the test must detect, from which <see cref="PlannedUnits"/> is computed.</param>
public sealed record ExperimentDefinition(
    string Key,
    string? Name,
    ExperimentSubject Subject,
    IReadOnlyList<ExperimentVariant> Variants,
    ExperimentMetric? PrimaryMetric,
    IReadOnlyList<ExperimentMetric>? SecondaryMetrics = null,
    IReadOnlyList<ExperimentMetric>? GuardrailMetrics = null,
    string? Audience = null,
    double Holdout = 0,
    IReadOnlyList<ExperimentFactor>? Factors = null,
    string? Method = null,
    long? PlannedUnits = null,
    ExperimentPlan? Plan = null)
{
    /// <summary>The analysis methods a definition may name.</summary>
    public static readonly IReadOnlyList<string> Methods = ["sequential", "fixedHorizon", "bayesian"];

    /// <summary>The serializer the stored document and the API use (camelCase, nulls omitted).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Every metric: the primary first, then secondary, then guardrail.</summary>
    [JsonIgnore]
    public IEnumerable<ExperimentMetric> AllMetrics =>
        (PrimaryMetric is null ? [] : new[] { PrimaryMetric }).Concat(SecondaryMetrics ?? []).Concat(GuardrailMetrics ?? []);

    /// <summary>The arms a unit can be assigned to, with weights normalised to sum to 1: the holdout first (when any), then the variants.</summary>
    public IReadOnlyList<(string Arm, double Weight)> Arms()
    {
        var total = 0.0;
        foreach (var v in Variants) total += v.Weight ?? 1;
        var arms = new List<(string, double)>(Variants.Count + 1);
        if (Holdout > 0) arms.Add((ExperimentArms.Holdout, Holdout));
        foreach (var v in Variants) arms.Add((v.Key, (1 - Holdout) * (v.Weight ?? 1) / total));
        return arms;
    }

    public ExperimentVariant? Variant(string key)
    {
        foreach (var v in Variants) if (v.Key == key) return v;
        return null;
    }
}

/// <summary>Arm names with a fixed meaning.</summary>
public static class ExperimentArms
{
    /// <summary>The arm that gets no personalization at all.</summary>
    public const string Holdout = "holdout";

    /// <summary>The global holdout's other arm: everyone else, personalised as usual.</summary>
    public const string Personalized = "personalized";

    /// <summary>The key of the one global, long-running holdout experiment (subject kind <see cref="SubjectKind.Global"/>).</summary>
    public const string GlobalKey = "global-holdout";
}
