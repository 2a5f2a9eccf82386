using System.Text.Json;
using Tailor.Analytics.Experiments;

namespace Tailor.Analytics.Tests.Experiments;

public sealed class HostileInputTests
{
    private static readonly double[] Values = [0, 1, -1, 0.5, 3, 1e-300, 1e300, 1e308, -1e308, 123456.789, double.MaxValue, double.Epsilon];

    [Fact]
    public void Any_sums_are_either_refused_by_name_or_analysed_into_finite_json()
    {
        var random = new Random(12);
        double V() => Values[random.Next(Values.Length)];
        long U() => new long[] { 0, 1, 2, 3, 10, 1000, 1_000_000_000_000, long.MaxValue / 4 }[random.Next(8)];
        int analysed = 0;
        for (int i = 0; i < 300; i++)
        {
            var kind = (MetricKind)(i % 3);
            ArmSums Arm(string name)
            {
                long n = U();
                var arm = new ArmSums(name, n)
                {
                    Conversions = kind == MetricKind.Rate ? (long)(n * random.NextDouble()) : null,
                    Sum = V(), SumOfSquares = V(), DenominatorSum = V(), DenominatorSumOfSquares = V(), NumeratorDenominatorProducts = V(),
                };
                return random.Next(2) == 0 ? arm : arm with
                {
                    CovariateSum = V(), CovariateSumOfSquares = V(), ValueCovariateProducts = V(), CovariateDenominatorSum = V(),
                    CovariateDenominatorSumOfSquares = V(), CovariateNumeratorDenominatorProducts = V(), NumeratorCovariateDenominatorProducts = V(),
                    DenominatorCovariateProducts = V(), DenominatorCovariateDenominatorProducts = V(),
                };
            }
            var a = Arm("A");
            var b = Arm("B");
            if ((a.CovariateSum is null) != (b.CovariateSum is null)) b = b with { CovariateSum = a.CovariateSum };
            var sums = new ExperimentSums("A", [new ArmAllocation("A", 1), new ArmAllocation("B", 1)], [new MetricSums("m", kind, [a, b])]);
            var options = new AnalysisOptions { Method = (TestMethod)(i % 3 == 0 ? (i / 3) % 3 : i % 2) };
            var problem = ExperimentAnalyzer.Validate(sums, options);
            if (problem is not null)
            {
                Assert.StartsWith("metrics[0]", problem.Field);
                continue;
            }
            var json = JsonSerializer.Serialize(ExperimentAnalyzer.Analyze(sums, options)); // throws on NaN or infinity
            Assert.Contains("\"Decision\"", json);
            analysed++;
        }
        Assert.True(analysed > 25, $"only {analysed} inputs reached the analysis");
    }

    [Fact]
    public void Inconsistent_sums_are_refused()
    {
        var sums = new ExperimentSums("A", [new ArmAllocation("A", 1), new ArmAllocation("B", 1)],
            [new MetricSums("revenue", MetricKind.Mean, [new ArmSums("A", 10) { Sum = 100, SumOfSquares = 999 }, new ArmSums("B", 10) { Sum = 5, SumOfSquares = 9 }])]);
        Assert.Equal(new InputProblem("metrics[0].arms[0].sumOfSquares", "must be at least sum² / units (the sums are inconsistent)"), ExperimentAnalyzer.Validate(sums, new AnalysisOptions()));
    }
}
