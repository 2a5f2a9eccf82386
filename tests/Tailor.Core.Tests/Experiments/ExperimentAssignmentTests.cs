using System.Globalization;
using System.Text.Json;
using Tailor.Core.Experiments;

namespace Tailor.Core.Tests.Experiments;

/// <summary>
/// Assignment against vectors computed independently with Python's hashlib (Fixtures/make_assignment_vectors.py), and
/// independence across experiments by the chi-square test scipy computed over the same fixed id set.
/// </summary>
public sealed class ExperimentAssignmentTests
{
    private static JsonElement Fixture() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Experiments", "Fixtures", "assignment_vectors.json"))).RootElement;

    private static ExperimentDefinition Definition(string key, IReadOnlyList<(string Key, double Weight)> variants, double holdout) =>
        new(key, null, new ExperimentSubject(SubjectKind.Flag), variants.Select(v => new ExperimentVariant(v.Key, variants.All(w => w.Weight == 1) ? null : v.Weight)).ToArray(),
            null, Holdout: holdout);

    [Fact]
    public void Buckets_and_arms_match_the_vectors_computed_with_python_hashlib()
    {
        var cases = Fixture().GetProperty("cases");
        Assert.True(cases.GetArrayLength() >= 18);
        foreach (var c in cases.EnumerateArray())
        {
            var (key, unit) = (c.GetProperty("key").GetString()!, c.GetProperty("unit").GetString()!);
            var expected = double.Parse(c.GetProperty("bucket").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(expected, ExperimentAssignment.Bucket(key, unit)); // exact: one rounding of the same integer
            var variants = c.GetProperty("variants").EnumerateArray().Select(v => (v.GetProperty("key").GetString()!, v.GetProperty("weight").GetDouble())).ToArray();
            var definition = Definition(key, variants, c.GetProperty("holdout").GetDouble());
            Assert.Equal(c.GetProperty("arm").GetString(), ExperimentAssignment.Arm(definition, unit));
        }
    }

    [Fact]
    public void Two_experiments_assign_independently_by_the_same_chi_square_as_scipy()
    {
        var reference = Fixture().GetProperty("independence");
        var first = Definition("exp-one", [("a", 1), ("b", 1), ("c", 1)], 0);
        var second = Definition("exp-two", [("x", 0.5), ("y", 0.3), ("z", 0.2)], 0);
        var table = new long[3, 3];
        for (var i = 0; i < 20000; i++)
        {
            var unit = $"user-{i}";
            table["abc".IndexOf(ExperimentAssignment.Arm(first, unit)[0]), "xyz".IndexOf(ExperimentAssignment.Arm(second, unit)[0])]++;
        }
        var expectedTable = reference.GetProperty("table").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();
        for (var r = 0; r < 3; r++)
            for (var c = 0; c < 3; c++) Assert.Equal(expectedTable[r][c], table[r, c]);

        var chi2 = ChiSquare(table);
        Assert.Equal(double.Parse(reference.GetProperty("chi2").GetString()!, CultureInfo.InvariantCulture), chi2, 1e-9);
        // Independence is not rejected: below the 0.001 critical value of chi-square with 4 degrees of freedom (18.467, published tables).
        Assert.True(chi2 < 18.467, $"chi2 = {chi2}");
        // And each experiment's allocation holds: the second's margins within 1.5 percentage points of 50/30/20.
        for (var c = 0; c < 3; c++)
        {
            var share = (table[0, c] + table[1, c] + table[2, c]) / 20000.0;
            Assert.InRange(share, new[] { 0.5, 0.3, 0.2 }[c] - 0.015, new[] { 0.5, 0.3, 0.2 }[c] + 0.015);
        }
    }

    [Fact]
    public void The_holdout_takes_its_share_first_and_the_variants_split_the_rest()
    {
        var d = Definition("banner", [("a", 0.25), ("b", 0.75)], 0.2);
        var arms = d.Arms();
        Assert.Equal([("holdout", 0.2), ("a", 0.2), ("b", 0.6)], arms.Select(a => (a.Arm, Math.Round(a.Weight, 12))).ToArray());
        Assert.Equal("holdout", ExperimentAssignment.Arm(arms, 0.1999));
        Assert.Equal("a", ExperimentAssignment.Arm(arms, 0.2));
        Assert.Equal("b", ExperimentAssignment.Arm(arms, 0.4));
        Assert.Equal("b", ExperimentAssignment.Arm(arms, 0.9999999999999999));
    }

    [Fact]
    public void The_same_unit_always_gets_the_same_arm()
    {
        var d = Definition("sticky", [("a", 1), ("b", 1), ("c", 1)], 0.1);
        for (var i = 0; i < 200; i++) Assert.Equal(ExperimentAssignment.Arm(d, $"p{i}"), ExperimentAssignment.Arm(d with { Name = "renamed" }, $"p{i}"));
    }

    private static double ChiSquare(long[,] table)
    {
        var (rows, cols) = (table.GetLength(0), table.GetLength(1));
        double total = 0;
        var rowSums = new double[rows];
        var colSums = new double[cols];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++) { rowSums[r] += table[r, c]; colSums[c] += table[r, c]; total += table[r, c]; }
        double chi2 = 0;
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
            {
                var expected = rowSums[r] * colSums[c] / total;
                chi2 += (table[r, c] - expected) * (table[r, c] - expected) / expected;
            }
        return chi2;
    }
}
