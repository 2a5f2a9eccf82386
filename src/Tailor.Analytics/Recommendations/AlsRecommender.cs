using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Tailor.Analytics.Recommendations;

/// <summary>
/// Matrix factorisation for implicit feedback (Hu, Koren, Volinsky 2008, "Collaborative Filtering for Implicit Feedback
/// Datasets"): preference p_ui = 1 if r_ui &gt; 0 else 0, confidence c_ui = 1 + α·r_ui, and user and item factors
/// minimising Σ_{u,i} c_ui (p_ui − x_uᵀy_i)² + λ(Σ_u ‖x_u‖² + Σ_i ‖y_i‖²) by alternating exact least squares:
/// x_u = (YᵀY + Yᵀ(Cᵘ − I)Y + λI)⁻¹ YᵀCᵘp(u), each row solved by Cholesky, and the same for the items. Factors start
/// from N(0, 0.01²) drawn from the seed, so a run is reproducible. The score of j for u is x_uᵀy_j.
/// </summary>
public sealed class AlsRecommender : IRecommender
{
    private readonly InteractionMatrix _matrix;
    private readonly int _f;
    private readonly double[] _users;
    private readonly double[] _items;

    private AlsRecommender(InteractionMatrix matrix, int f, double[] users, double[] items, IReadOnlyList<double> losses)
    {
        _matrix = matrix;
        _f = f;
        _users = users;
        _items = items;
        Losses = losses;
    }

    public string Name => "als";

    /// <summary>The objective after each iteration (users then items solved), first to last.</summary>
    public IReadOnlyList<double> Losses { get; }

    public static AlsRecommender Train(InteractionMatrix matrix, AlsOptions options, IProgress<double>? progress = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Factors, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Factors, AlsOptions.MaxFactors);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Iterations, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Iterations, AlsOptions.MaxIterations);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Regularization);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Alpha);
        var f = options.Factors;
        var random = new Random(options.Seed);
        var users = new double[matrix.UserCount * f];
        var items = new double[matrix.ItemCount * f];
        for (var k = 0; k < users.Length; k++) users[k] = Normal.Sample(random, 0, 0.01);
        for (var k = 0; k < items.Length; k++) items[k] = Normal.Sample(random, 0, 0.01);
        var losses = new List<double>(options.Iterations);
        for (var iteration = 0; iteration < options.Iterations; iteration++)
        {
            ct.ThrowIfCancellationRequested();
            SolveRows(users, items, f, matrix.UserCount, matrix.UserStart, matrix.UserItems, matrix.UserValues, options, ct);
            SolveRows(items, users, f, matrix.ItemCount, matrix.ItemStart, matrix.ItemUsers, matrix.ItemValues, options, ct);
            losses.Add(Loss(matrix, users, items, f, options));
            progress?.Report((iteration + 1.0) / options.Iterations);
        }
        return new AlsRecommender(matrix, f, users, items, losses);
    }

    public void Score(int user, Span<double> scores)
    {
        var x = _users.AsSpan(user * _f, _f);
        for (var j = 0; j < scores.Length; j++)
        {
            var y = _items.AsSpan(j * _f, _f);
            var s = 0.0;
            for (var k = 0; k < _f; k++) s += x[k] * y[k];
            scores[j] = s;
        }
    }

    /// <summary>One half-step: every row of <paramref name="solve"/> given the fixed <paramref name="fixedFactors"/> and the sparse rows (start/index/values) linking them.</summary>
    private static void SolveRows(double[] solve, double[] fixedFactors, int f, int rows, int[] start, int[] index, double[] values, AlsOptions options, CancellationToken ct)
    {
        var gram = Gram(fixedFactors, f);
        Parallel.For(0, rows, new ParallelOptions { CancellationToken = ct }, r =>
        {
            var a = (double[])gram.Clone();
            var b = new double[f];
            for (var k = 0; k < f; k++) a[k * f + k] += options.Regularization;
            for (var e = start[r]; e < start[r + 1]; e++)
            {
                var c = 1 + options.Alpha * values[e];
                var y = fixedFactors.AsSpan(index[e] * f, f);
                // A += (c − 1)·y yᵀ;  b += c·p·y with p = 1.
                for (var p = 0; p < f; p++)
                {
                    var cy = (c - 1) * y[p];
                    var column = p * f;
                    for (var q = 0; q < f; q++) a[column + q] += cy * y[q];
                    b[p] += c * y[p];
                }
            }
            var x = Matrix<double>.Build.Dense(f, f, a).Cholesky().Solve(Vector<double>.Build.Dense(b));
            x.AsArray()!.AsSpan().CopyTo(solve.AsSpan(r * f, f));
        });
    }

    private static double[] Gram(double[] factors, int f)
    {
        var gram = new double[f * f];
        for (var row = 0; row * f < factors.Length; row++)
        {
            var y = factors.AsSpan(row * f, f);
            for (var p = 0; p < f; p++)
            {
                var column = p * f;
                for (var q = 0; q < f; q++) gram[column + q] += y[p] * y[q];
            }
        }
        return gram;
    }

    /// <summary>
    /// The objective without touching every (u, i) pair: Σ_all (x_uᵀy_i)² = trace((XᵀX)(YᵀY)) covers the unobserved
    /// cells (c = 1, p = 0); each observed cell then replaces its s² by c·(1 − s)².
    /// </summary>
    internal static double Loss(InteractionMatrix matrix, double[] users, double[] items, int f, AlsOptions options)
    {
        var xx = Gram(users, f);
        var yy = Gram(items, f);
        var loss = 0.0;
        for (var k = 0; k < xx.Length; k++) loss += xx[k] * yy[k];
        for (var u = 0; u < matrix.UserCount; u++)
        {
            var x = users.AsSpan(u * f, f);
            var its = matrix.ItemsOf(u);
            var vals = matrix.ValuesOf(u);
            for (var a = 0; a < its.Length; a++)
            {
                var y = items.AsSpan(its[a] * f, f);
                var s = 0.0;
                for (var k = 0; k < f; k++) s += x[k] * y[k];
                var c = 1 + options.Alpha * vals[a];
                loss += c * (1 - s) * (1 - s) - s * s;
            }
        }
        var norms = 0.0;
        foreach (var v in users) norms += v * v;
        foreach (var v in items) norms += v * v;
        return loss + options.Regularization * norms;
    }
}
