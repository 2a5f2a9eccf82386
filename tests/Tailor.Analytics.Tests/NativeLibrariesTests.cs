using Microsoft.ML;

namespace Tailor.Analytics.Tests;

public sealed class NativeLibrariesTests
{
    // ScottPlot's native Skia library is covered by Charts/ChartRendererTests, which draws every chart kind through it.

    [Fact]
    public void LightGbm_native_library_trains_a_model()
    {
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var rows = Enumerable.Range(0, 200).Select(i => new Row { X = i % 10, Label = i % 10 > 4 }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipe = ml.Transforms.Concatenate("Features", nameof(Row.X)).Append(ml.BinaryClassification.Trainers.LightGbm());
        var model = pipe.Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
        Assert.True(metrics.AreaUnderRocCurve > 0.9);
    }

    public sealed class Row
    {
        public float X { get; set; }
        public bool Label { get; set; }
    }
}
