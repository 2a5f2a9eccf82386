using MathNet.Numerics.LinearAlgebra;

namespace Tailor.Analytics.Propensity;

/// <summary>
/// Binary logistic regression fitted by Newton's method with a backtracking line search, minimising
/// Σ log-loss + ‖w‖² / (2C) (the intercept unpenalised): scikit-learn's <c>LogisticRegression(C=…)</c> objective,
/// so the coefficients agree with it. The baseline fits it on recency alone.
/// </summary>
/// <param name="Intercept">b in p = σ(b + w·x).</param>
/// <param name="Coefficients">w, one per feature.</param>
public sealed record LogisticRegression(double Intercept, IReadOnlyList<double> Coefficients)
{
    /// <summary>The default inverse regularisation strength, scikit-learn's default.</summary>
    public const double DefaultC = 1.0;

    /// <summary>Fits the model; <paramref name="c"/> is the inverse L2 strength (larger = weaker penalty).</summary>
    public static LogisticRegression Fit(IReadOnlyList<double[]> x, IReadOnlyList<bool> y, double c = DefaultC, int maxIterations = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        var n = x.Count;
        var d = n == 0 ? 0 : x[0].Length;
        var design = Matrix<double>.Build.Dense(n, d + 1, (i, j) => j == 0 ? 1.0 : x[i][j - 1]);
        var target = Vector<double>.Build.Dense(n, i => y[i] ? 1.0 : 0.0);
        var penalty = Vector<double>.Build.Dense(d + 1, j => j == 0 ? 0.0 : 1.0 / c);
        var beta = Vector<double>.Build.Dense(d + 1);
        var loss = Objective(design, target, penalty, beta);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var p = Probabilities(design, beta);
            var gradient = design.TransposeThisAndMultiply(p - target) + penalty.PointwiseMultiply(beta);
            var weights = p.PointwiseMultiply(1.0 - p);
            var hessian = design.TransposeThisAndMultiply(Matrix<double>.Build.Dense(n, d + 1, (i, j) => design[i, j] * weights[i])) + Matrix<double>.Build.DiagonalOfDiagonalVector(penalty);
            var step = hessian.Solve(gradient);
            var scale = 1.0;
            var next = beta - step;
            var nextLoss = Objective(design, target, penalty, next);
            while (nextLoss > loss && scale > 1e-10)
            {
                scale /= 2;
                next = beta - (scale * step);
                nextLoss = Objective(design, target, penalty, next);
            }
            var moved = (next - beta).AbsoluteMaximum();
            beta = next;
            loss = nextLoss;
            if (moved < 1e-12 * (1 + beta.AbsoluteMaximum()))
            {
                break;
            }
        }
        return new LogisticRegression(beta[0], [.. beta.SubVector(1, d)]);
    }

    /// <summary>σ(b + w·x).</summary>
    public double Predict(ReadOnlySpan<double> x)
    {
        var z = Intercept;
        for (var j = 0; j < Coefficients.Count; j++)
        {
            z += Coefficients[j] * x[j];
        }
        return Sigmoid(z);
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static Vector<double> Probabilities(Matrix<double> design, Vector<double> beta) => (design * beta).Map(Sigmoid);

    private static double Objective(Matrix<double> design, Vector<double> target, Vector<double> penalty, Vector<double> beta)
    {
        var z = design * beta;
        double sum = 0;
        for (var i = 0; i < z.Count; i++)
        {
            // log(1 + e^z) − y·z, computed without overflow.
            sum += (z[i] > 0 ? z[i] + double.LogP1(Math.Exp(-z[i])) : double.LogP1(Math.Exp(z[i]))) - (target[i] * z[i]);
        }
        return sum + (0.5 * penalty.PointwiseMultiply(beta).DotProduct(beta));
    }
}
