using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tailor.Cli.Tests;

/// <summary>
/// <c>tailor experiments analyze FILE</c> on the per-unit CSV of the analytics fixtures, whose reference values (Welch's t,
/// CUPED θ and variance removed, delta-method relative lift) were computed from the same rows by make_reference.py.
/// </summary>
public sealed class ExperimentsAnalyzeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Experiments", name);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_per_unit_csv_is_analysed_with_cuped_and_matches_the_reference()
    {
        var run = await Tailor.RunAsync(_dir.Path, "experiments", "analyze", Fixture("per_user.csv"), "--method", "fixed-horizon", "--planned-units", "1000", "--json");
        Assert.Equal(0, run.ExitCode);
        var result = JsonNode.Parse(run.Output)!;
        var reference = JsonNode.Parse(await File.ReadAllTextAsync(Fixture("reference.json"), Ct))!["cuped_means"]![0]!;
        var comparison = result["metrics"]![0]!["comparisons"]![0]!;
        Close((double)reference["cuped"]!["theta"]!, (double)comparison["cuped"]!["theta"]!);
        Close((double)reference["cuped"]!["variance_removed"]!, (double)comparison["cuped"]!["varianceRemoved"]!);
        Close((double)reference["relative_fixed"]!["estimate"]!, (double)comparison["relativeLift"]!["value"]!);
        Close((double)reference["relative_fixed"]!["p"]!, (double)comparison["pValue"]!);
        Close((double)reference["relative_fixed"]!["lower"]!, (double)comparison["relativeLift"]!["interval"]!["lower"]!);
        Close((double)reference["absolute_fixed"]!["estimate"]!, (double)comparison["absoluteLift"]!["value"]!);
        Assert.Equal(1020, (long)result["units"]!);
        Assert.StartsWith("B beats A on value: +", (string)result["decision"]!);
    }

    [Fact]
    public async Task A_json_file_of_sums_is_analysed_and_flags_override_its_options()
    {
        var file = _dir.File("test.json");
        // 10% vs 13% on 1000 users each; statsmodels proportions_ztest: z = 2.1027, p = 0.0355.
        await File.WriteAllTextAsync(file, """
            {"control": "A", "arms": [{"name": "A", "weight": 1}, {"name": "B", "weight": 1}],
             "metrics": [{"name": "conversion", "kind": "rate", "arms": [{"arm": "A", "units": 1000, "conversions": 100}, {"arm": "B", "units": 1000, "conversions": 130}]}],
             "options": {"method": "bayesian"}}
            """, Ct);
        var run = await Tailor.RunAsync(_dir.Path, "experiments", "analyze", file, "--method", "fixed-horizon", "--json");
        Assert.Equal(0, run.ExitCode);
        var result = JsonNode.Parse(run.Output)!;
        Assert.Equal("FixedHorizon", (string)result["method"]!);
        var absolute = result["metrics"]![0]!["comparisons"]![0]!["absoluteLift"]!;
        Close(2.102740605622114, (double)absolute["testStatistic"]!);
        Close(0.03548845046647471, (double)absolute["pValue"]!);
        Assert.Equal("NotYet", (string)result["verdict"]!);

        var charts = _dir.File("charts");
        var text = await Tailor.RunAsync(_dir.Path, "experiments", "analyze", file, "--charts", charts);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("chance to beat control", text.Output, StringComparison.Ordinal);
        Assert.Contains("conversion: relative lift vs A", await File.ReadAllTextAsync(Path.Combine(charts, "lift-1.svg"), Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field()
    {
        var file = _dir.File("bad.json");
        await File.WriteAllTextAsync(file, """{"control": "A", "arms": [{"name": "A", "weight": 1}, {"name": "B", "weight": 1}], "metrics": [{"name": "revenue", "kind": "mean", "arms": [{"arm": "A", "units": 10, "sum": 5, "sumOfSquares": 9}, {"arm": "B", "units": 10, "sum": 5}]}]}""", Ct);
        var run = await Tailor.RunAsync(_dir.Path, "experiments", "analyze", file);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("metrics[0].arms[1].sumOfSquares: is required for a mean metric", run.Output, StringComparison.Ordinal);

        var csv = _dir.File("bad.csv");
        await File.WriteAllTextAsync(csv, "unit,variant,value\nu1,A,1\nu1,B,0\n", Ct);
        var twice = await Tailor.RunAsync(_dir.Path, "experiments", "analyze", csv);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("line 3: unit: 'u1' appears more than once", twice.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await Tailor.RunAsync(_dir.Path, "experiments", "analyze", file, "--method", "frequentist")).ExitCode);
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected) + 1e-12, $"expected {expected:R}, got {actual:R}");
}
