using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Tailor.Analytics.Propensity;

/// <summary>A LightGBM binary classifier (ML.NET) over a feature table's rows: fit, predict probabilities, save as ML.NET's <c>model.zip</c>.</summary>
public sealed class GradientBoostingModel
{
    // LightGBM keeps its OpenMP thread count in process-wide state and sizes per-thread buffers from it: two trainings
    // at once that ask for different counts index past those buffers and the process dies with SIGSEGV (seen in our
    // test run; ML.NET's own tests hit the same). Every training in the process goes through Fit, one at a time.
    private static readonly Lock Training = new();

    private readonly MLContext ml;
    private readonly ITransformer transformer;
    private readonly DataViewSchema inputSchema;
    private readonly int featureCount;

    private GradientBoostingModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, int featureCount)
    {
        this.ml = ml;
        this.transformer = transformer;
        this.inputSchema = inputSchema;
        this.featureCount = featureCount;
    }

    /// <summary>Trains on the rows and labels with the options' hyper-parameters and seed.</summary>
    public static GradientBoostingModel Fit(IReadOnlyList<float[]> rows, IReadOnlyList<bool> labels, GradientBoostingOptions options)
    {
        var featureCount = rows.Count == 0 ? 0 : rows[0].Length;
        var ml = new MLContext(options.Seed);
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            NumberOfIterations = options.Iterations,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinimumLeafSize,
            Seed = options.Seed,
            // Same data and seed, same trees: LightGBM's deterministic mode with a fixed histogram layout.
            Deterministic = true,
            NumberOfThreads = 1,
            ForceColumnWise = true,
            Silent = true,
            Verbose = false,
        });
        var data = ml.Data.LoadFromEnumerable(ToModelRows(rows, labels), ModelRow.Schema(featureCount));
        lock (Training)
        {
            return new GradientBoostingModel(ml, trainer.Fit(data), data.Schema, featureCount);
        }
    }

    /// <summary>Loads a model saved by <see cref="Save"/>.</summary>
    public static GradientBoostingModel Load(byte[] zip, int featureCount)
    {
        var ml = new MLContext();
        using var stream = new MemoryStream(zip);
        var transformer = ml.Model.Load(stream, out var inputSchema);
        return new GradientBoostingModel(ml, transformer, inputSchema, featureCount);
    }

    /// <summary>The probability of the positive label for each row.</summary>
    public double[] Predict(IReadOnlyList<float[]> rows)
    {
        var data = ml.Data.LoadFromEnumerable(ToModelRows(rows, null), ModelRow.Schema(featureCount));
        return [.. transformer.Transform(data).GetColumn<float>("Probability").Select(p => (double)p)];
    }

    /// <summary>ML.NET's model file (a zip), loadable by <see cref="Load"/> or by any ML.NET program.</summary>
    public byte[] Save()
    {
        using var stream = new MemoryStream();
        ml.Model.Save(transformer, inputSchema, stream);
        return stream.ToArray();
    }

    /// <summary>LightGBM's split gain per feature (larger = the trees lean on it more), or empty for a loaded model.</summary>
    public double[] FeatureGains()
    {
        if (transformer is not BinaryPredictionTransformer<CalibratedModelParametersBase<LightGbmBinaryModelParameters, PlattCalibrator>> fitted)
        {
            return [];
        }
        var weights = default(VBuffer<float>);
        fitted.Model.SubModel.GetFeatureWeights(ref weights);
        var dense = new double[featureCount];
        var values = weights.DenseValues().ToArray();
        for (var i = 0; i < Math.Min(dense.Length, values.Length); i++)
        {
            dense[i] = values[i];
        }
        return dense;
    }

    private static IEnumerable<ModelRow> ToModelRows(IReadOnlyList<float[]> rows, IReadOnlyList<bool>? labels)
    {
        for (var i = 0; i < rows.Count; i++)
        {
            yield return new ModelRow { Features = rows[i], Label = labels is not null && labels[i] };
        }
    }
}
