using Tailor.Analytics.Propensity;

namespace Tailor.Analytics.Tests;

public sealed class NativeLibrariesTests
{
    // ScottPlot's native Skia library is covered by Charts/ChartRendererTests, which draws every chart kind through it.

    // Through GradientBoostingModel, never ML.NET's trainer directly: a second LightGBM training in the process with
    // other thread settings, running beside the propensity tests, crashed the test process (see GradientBoostingModel).
    [Fact]
    public void LightGbm_native_library_trains_a_model()
    {
        var rows = Enumerable.Range(0, 200).Select(i => new float[] { i % 10 }).ToList();
        var labels = rows.Select(r => r[0] > 4).ToList();

        var model = GradientBoostingModel.Fit(rows, labels, new GradientBoostingOptions(MinimumLeafSize: 5));
        var probabilities = model.Predict([[0f], [9f]]);

        Assert.True(probabilities[0] < 0.2, $"P(label | x=0) = {probabilities[0]}");
        Assert.True(probabilities[1] > 0.8, $"P(label | x=9) = {probabilities[1]}");
    }
}
