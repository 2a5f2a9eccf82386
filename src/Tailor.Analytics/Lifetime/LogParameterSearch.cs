using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Tailor.Analytics.Lifetime;

/// <summary>
/// Maximum likelihood over positive parameters: MathNet's Nelder-Mead simplex on the logarithms of the parameters (so
/// every point tried is valid), from each start in turn, each run restarted once from where it stopped (a collapsed
/// simplex is the usual way Nelder-Mead stops early); the best end point wins. A likelihood that is NaN or infinite at a
/// point counts as the worst value, so the search walks away from it.
/// </summary>
internal static class LogParameterSearch
{
    private const double Tolerance = 1e-12;
    private const int MaxIterations = 20_000;

    public static (double[] Parameters, double LogLikelihood, int Evaluations) Maximize(
        Func<double[], double> logLikelihood, IReadOnlyList<double[]> starts, CancellationToken ct)
    {
        var evaluations = 0;
        var buffer = new double[starts[0].Length];
        double Objective(Vector<double> logs)
        {
            ct.ThrowIfCancellationRequested();
            evaluations++;
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = Math.Exp(logs[i]);
            }
            var value = logLikelihood(buffer);
            return double.IsFinite(value) ? -value : double.MaxValue;
        }
        var objective = ObjectiveFunction.Value(Objective);
        var simplex = new NelderMeadSimplex(Tolerance, MaxIterations);
        Vector<double>? best = null;
        var bestValue = double.PositiveInfinity;
        foreach (var start in starts)
        {
            var point = Vector<double>.Build.DenseOfEnumerable(start.Select(v => Math.Log(v)));
            for (var round = 0; round < 2; round++)
            {
                var perturbation = Vector<double>.Build.Dense(start.Length, 0.5);
                try
                {
                    point = simplex.FindMinimum(objective, point, perturbation).MinimizingPoint;
                }
                catch (MaximumIterationsException)
                {
                    break; // keep the best point of the earlier round
                }
            }
            var value = Objective(point);
            if (value < bestValue)
            {
                bestValue = value;
                best = point;
            }
        }
        if (best is null || bestValue == double.MaxValue)
        {
            throw new InvalidOperationException("The likelihood is not finite anywhere the search went; the data cannot be fitted.");
        }
        return (best.Select(v => Math.Exp(v)).ToArray(), -bestValue, evaluations);
    }
}
