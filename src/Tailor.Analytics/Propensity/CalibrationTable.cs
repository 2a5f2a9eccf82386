namespace Tailor.Analytics.Propensity;

/// <summary>
/// Predicted against observed, per bin of predicted probability: ten bins of width 0.1, exactly as scikit-learn's
/// <c>calibration_curve(strategy="uniform", n_bins=10)</c> cuts them (edges at i·(1 + 10⁻⁸)/10, a prediction on an
/// edge belonging to the bin below). Empty bins are left out, as there.
/// </summary>
public static class CalibrationTable
{
    /// <summary>The number of bins.</summary>
    public const int Bins = 10;

    /// <summary>The non-empty bins, lowest first.</summary>
    public static IReadOnlyList<CalibrationBin> Build(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities)
    {
        var step = (1.0 + 1e-8) / Bins;
        var counts = new int[Bins];
        var predicted = new double[Bins];
        var observed = new double[Bins];
        for (var i = 0; i < labels.Count; i++)
        {
            var p = probabilities[i];
            // The bin is the number of inner edges strictly below p (numpy.searchsorted, side="left").
            var bin = 0;
            while (bin < Bins - 1 && (bin + 1) * step < p)
            {
                bin++;
            }
            counts[bin]++;
            predicted[bin] += p;
            observed[bin] += labels[i] ? 1 : 0;
        }
        var table = new List<CalibrationBin>();
        for (var b = 0; b < Bins; b++)
        {
            if (counts[b] > 0)
            {
                table.Add(new CalibrationBin(b / (double)Bins, (b + 1) / (double)Bins, counts[b], predicted[b] / counts[b], observed[b] / counts[b]));
            }
        }
        return table;
    }
}
