using System.Text.Json;
using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

/// <summary>
/// The reference values in Fixtures/Experiments/reference.json (made by make_reference.py beside it: scipy,
/// statsmodels, and an independent numpy implementation of GrowthBook's gbstats formulas), and the helpers that run
/// Tailor's analysis on the same inputs.
/// </summary>
internal static class Reference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Experiments", "reference.json"))).RootElement);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static JsonElement Get(string section) => Root.Value.GetProperty(section);

    public static IEnumerable<JsonElement> Cases(string section) => Get(section).EnumerateArray();

    public static double D(this JsonElement e, string name) => e.GetProperty(name).GetDouble();

    public static ArmSums Arm(JsonElement e) => e.Deserialize<ArmSums>(Web)!;

    /// <summary>Runs the analysis on a two-arm case (control "A", treatment "B") and returns its one comparison.</summary>
    public static Comparison Compare(JsonElement c, MetricKind kind, AnalysisOptions options)
    {
        var sums = new ExperimentSums("A", [new ArmAllocation("A", 1), new ArmAllocation("B", 1)],
            [new MetricSums("metric", kind, [Arm(c.GetProperty("control")), Arm(c.GetProperty("treatment"))])]);
        Assert.Null(ExperimentAnalyzer.Validate(sums, options));
        return ExperimentAnalyzer.Analyze(sums, options).Metrics[0].Comparisons[0];
    }

    /// <summary>|actual − expected| ≤ 1e-6·|expected| (plus 1e-12 for values at zero).</summary>
    public static void Close(double expected, double? actual, string what, double relative = 1e-6)
    {
        Assert.NotNull(actual);
        double tolerance = relative * Math.Abs(expected) + 1e-12;
        Assert.True(Math.Abs(actual!.Value - expected) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (|Δ| = {Math.Abs(actual.Value - expected):E2} > {tolerance:E2})");
    }

    public static readonly AnalysisOptions Fixed = new() { Method = TestMethod.FixedHorizon, Correction = MultipleComparisonCorrection.None, PlannedUnits = 2 };
    public static readonly AnalysisOptions Sequential = new() { Method = TestMethod.Sequential, Correction = MultipleComparisonCorrection.None, SequentialTuning = 5000 };
    public static readonly AnalysisOptions Bayesian = new() { Method = TestMethod.Bayesian };
}
