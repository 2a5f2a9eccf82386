using System.Net;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Experiments;

/// <summary><c>POST /api/experiments/analyze</c> over HTTP on the shared app.</summary>
public sealed class ExperimentAnalysisApiTests(TailorAppFixture app)
{
    private static object Rates(long bUnits, long bConversions, object? options = null) => new
    {
        control = "A",
        arms = new[] { new { name = "A", weight = 1.0 }, new { name = "B", weight = 1.0 } },
        metrics = new[]
        {
            new { name = "conversion", kind = "rate", arms = new[] { new { arm = "A", units = 1000L, conversions = 100L }, new { arm = "B", units = bUnits, conversions = bConversions } } },
        },
        options,
    };

    [Fact]
    public async Task Summary_statistics_are_analysed_with_every_figure_named()
    {
        using var response = await app.Admin.PostObjectAsync("/api/experiments/analyze", Rates(1000, 130, new { method = "fixedHorizon", plannedUnits = 2000 }));
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var result = await response.JsonAsync();
        var comparison = result["metrics"]![0]!["comparisons"]![0]!;
        // statsmodels proportions_ztest([130, 100], [1000, 1000]): z = 2.102740605622114, p = 0.03548845046647471.
        Assert.Equal(2.102740605622114, (double)comparison["absoluteLift"]!["testStatistic"]!, 1e-9);
        Assert.Equal(0.03548845046647471, (double)comparison["absoluteLift"]!["pValue"]!, 1e-9);
        // Delta-method z on the relative lift (numpy, gbstats formulas): +30%, p = 0.06544731654109266.
        Assert.Equal(0.06544731654109266, (double)comparison["pValue"]!, 1e-9);
        Assert.Equal("z test on relative lift of two proportions, delta-method variance", (string)comparison["statistic"]!);
        Assert.Equal("Inconclusive", (string)result["verdict"]!);
        Assert.Equal(1, (int)result["sampleRatio"]!["degreesOfFreedom"]!);
    }

    [Fact]
    public async Task Default_method_is_sequential_and_a_sample_ratio_mismatch_breaks_the_test()
    {
        using var response = await app.Admin.PostObjectAsync("/api/experiments/analyze", Rates(1300, 130));
        await response.ShouldBeAsync(HttpStatusCode.OK);
        var result = await response.JsonAsync();
        Assert.Equal("Sequential", (string)result["method"]!);
        Assert.Equal(5000, (double)result["sequentialTuning"]!);
        Assert.True((bool)result["sampleRatio"]!["mismatch"]!);
        Assert.StartsWith("this test is broken: sample ratio mismatch", (string)result["decision"]!);
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field_and_rule()
    {
        using (var tooMany = await app.Admin.PostObjectAsync("/api/experiments/analyze", Rates(1000, 1300)))
            await tooMany.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "metrics[0].arms[1].conversions", "must be between 0 and units");
        using (var alpha = await app.Admin.PostObjectAsync("/api/experiments/analyze", Rates(1000, 130, new { alpha = 2 })))
            await alpha.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "options.alpha", "must be between 0 and 0.5");
        using (var kind = await app.Admin.PostRawAsync("/api/experiments/analyze", """{"control":"A","arms":[],"metrics":[{"name":"m","kind":"median","arms":[]}]}"""))
            await kind.ShouldBeAsync(HttpStatusCode.BadRequest);
        using (var arms = await app.Admin.PostRawAsync("/api/experiments/analyze", """{"control":"A","metrics":[]}"""))
            await arms.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "arms", "is required");
        using var anonymous = await app.Anonymous.PostObjectAsync("/api/experiments/analyze", Rates(1000, 130));
        await anonymous.ShouldBeAsync(HttpStatusCode.Unauthorized);
    }
}
