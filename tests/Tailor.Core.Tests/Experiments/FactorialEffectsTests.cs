using System.Globalization;
using System.Text.Json;
using Tailor.Core.Experiments;

namespace Tailor.Core.Tests.Experiments;

/// <summary>Main effects and interactions against statsmodels (OLS cell-means model, HC2, t_test contrasts: Fixtures/make_factorial_effects.py).</summary>
public sealed class FactorialEffectsTests
{
    [Fact]
    public void Effects_and_standard_errors_match_statsmodels()
    {
        var root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Experiments", "Fixtures", "factorial_effects.json"))).RootElement;
        var factors = root.GetProperty("factors").EnumerateArray()
            .Select(f => new ExperimentFactor(f.GetProperty("name").GetString()!, f.GetProperty("levels").EnumerateArray().Select(l => l.GetString()!).ToArray())).ToArray();
        var sums = root.GetProperty("cells").EnumerateArray().Select(c => new ArmSums(c.GetProperty("arm").GetString()!, c.GetProperty("units").GetInt64(),
            Number(c.GetProperty("sum")), Number(c.GetProperty("sumSquares")), 0, 0, 0)).ToArray();

        var effects = FactorialEffects.Estimate(factors, Factorial.Cells(factors), sums);

        var expected = root.GetProperty("effects").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(e => e.GetProperty("name").GetString()), effects.Select(e => e.Name));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(Number(expected[i].GetProperty("estimate")), effects[i].Estimate!.Value, 1e-9);
            Assert.Equal(Number(expected[i].GetProperty("standardError")), effects[i].StandardError!.Value, 1e-9);
        }
    }

    [Fact]
    public void An_empty_cell_makes_the_effects_that_use_it_unknown()
    {
        ExperimentFactor[] factors = [new("h", ["a", "b"]), new("i", ["x", "y"])];
        var effects = FactorialEffects.Estimate(factors, Factorial.Cells(factors), [new ArmSums("a.x", 10, 5, 5, 0, 0, 0), new ArmSums("a.y", 10, 5, 5, 0, 0, 0)]);
        Assert.All(effects, e => Assert.Null(e.Estimate));
    }

    private static double Number(JsonElement e) => double.Parse(e.GetString()!, CultureInfo.InvariantCulture);
}
