using MathNet.Numerics.Statistics;

namespace Tailor.Analytics.Propensity;

/// <summary>
/// Trains a propensity model and shows whether it earns its place: stratified k-fold cross-validation of LightGBM and
/// of a logistic regression on recency alone on the same folds (AUC, log-loss, calibration of out-of-fold
/// predictions), then both fitted on every row. The better of the two by CV AUC is the one that scores.
/// </summary>
public static class PropensityTrainer
{
    /// <summary>The name of the LightGBM model in reports.</summary>
    public const string GradientBoostingName = "gradient_boosting";

    /// <summary>The name of the recency baseline in reports.</summary>
    public const string BaselineName = "recency_baseline";

    /// <summary>The default number of folds.</summary>
    public const int DefaultFolds = 5;

    /// <summary>Why a labelled table cannot be cross-validated with <paramref name="folds"/> folds, or null when it can.</summary>
    public static string? CannotTrain(FeatureTable table, int folds)
    {
        if (table.Labels is null)
        {
            return "the table has no labels";
        }
        var positives = table.Positives;
        var negatives = table.Rows.Length - positives;
        return positives < folds || negatives < folds
            ? $"needs at least {folds} customers of each label for {folds}-fold validation; has {positives} positive and {negatives} negative"
            : null;
    }

    /// <summary>Cross-validates, fits the final models and reports. <paramref name="progress"/> receives the fraction done (0…1).</summary>
    public static PropensityTraining Train(FeatureTable table, GradientBoostingOptions options, int folds = DefaultFolds, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        if (CannotTrain(table, folds) is { } reason)
        {
            throw new ArgumentException(reason, nameof(table));
        }
        var labels = table.Labels!;
        var n = table.Rows.Length;
        var fold = StratifiedFolds.Assign(labels, folds, options.Seed);
        var recency = table.Column(FeatureSchema.RecencyColumn);
        var modelScores = new double[n];
        var baselineScores = new double[n];
        var modelFoldAuc = new double[folds];
        var baselineFoldAuc = new double[folds];

        for (var k = 0; k < folds; k++)
        {
            ct.ThrowIfCancellationRequested();
            var train = Enumerable.Range(0, n).Where(i => fold[i] != k).ToArray();
            var test = Enumerable.Range(0, n).Where(i => fold[i] == k).ToArray();
            var model = GradientBoostingModel.Fit([.. train.Select(i => table.Rows[i])], [.. train.Select(i => labels[i])], options);
            var predicted = model.Predict([.. test.Select(i => table.Rows[i])]);
            var baseline = FitBaseline(train.Select(i => recency[i]), train.Select(i => labels[i]));
            var testLabels = test.Select(i => labels[i]).ToArray();
            var baselinePredicted = new double[test.Length];
            for (var t = 0; t < test.Length; t++)
            {
                modelScores[test[t]] = predicted[t];
                baselinePredicted[t] = baselineScores[test[t]] = baseline.Predict([recency[test[t]]]);
            }
            modelFoldAuc[k] = BinaryMetrics.Auc(testLabels, predicted);
            baselineFoldAuc[k] = BinaryMetrics.Auc(testLabels, baselinePredicted);
            progress?.Report((k + 1.0) / (folds + 1.0));
        }

        ct.ThrowIfCancellationRequested();
        var final = GradientBoostingModel.Fit(table.Rows, labels, options);
        var finalBaseline = FitBaseline(recency, labels);
        progress?.Report(1.0);

        var modelValidation = Validate(GradientBoostingName, modelFoldAuc, labels, modelScores);
        var baselineValidation = Validate(BaselineName, baselineFoldAuc, labels, baselineScores);
        var gain = modelValidation.MeanAuc - baselineValidation.MeanAuc;
        var earns = gain > 0;
        var verdict = earns
            ? $"the model beats recency alone by {gain:+0.000} AUC ({modelValidation.MeanAuc:0.000} vs {baselineValidation.MeanAuc:0.000}, {folds}-fold CV): its scores are used"
            : $"the model does not beat recency alone ({modelValidation.MeanAuc:0.000} vs {baselineValidation.MeanAuc:0.000} AUC, {folds}-fold CV): keep the baseline, whose scores are used";
        var chosen = earns ? GradientBoostingName : BaselineName;
        var validation = new PropensityValidation(n, table.Positives, folds, modelValidation, baselineValidation, gain, chosen, verdict, TopFeatures(table.Schema, final));
        return new PropensityTraining(validation, new PropensityModel(table.Schema, chosen, final, finalBaseline), labels, modelScores, baselineScores);
    }

    private static LogisticRegression FitBaseline(IEnumerable<double> recency, IEnumerable<bool> labels) =>
        LogisticRegression.Fit([.. recency.Select(r => new[] { r })], [.. labels]);

    private static ModelValidation Validate(string name, double[] foldAuc, IReadOnlyList<bool> labels, double[] scores) =>
        new(name, foldAuc, foldAuc.Mean(), foldAuc.StandardDeviation(), BinaryMetrics.Auc(labels, scores),
            BinaryMetrics.LogLoss(labels, scores), CalibrationTable.Build(labels, scores));

    private static FeatureImportance[] TopFeatures(FeatureSchema schema, GradientBoostingModel model)
    {
        var gains = model.FeatureGains();
        var total = gains.Sum();
        if (total <= 0)
        {
            return [];
        }
        return [.. gains.Select((g, i) => new FeatureImportance(schema.FeatureNames[i], g / total))
            .Where(f => f.Share > 0).OrderByDescending(f => f.Share).Take(10)];
    }
}
