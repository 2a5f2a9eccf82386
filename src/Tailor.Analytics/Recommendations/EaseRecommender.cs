using MathNet.Numerics.LinearAlgebra;

namespace Tailor.Analytics.Recommendations;

/// <summary>
/// EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): an item × item weight matrix in closed
/// form, P = (XᵀX + λI)⁻¹, B = I − P·diagMat(1/diag(P)), i.e. B_ij = −P_ij / P_jj off the diagonal and B_jj = 0.
/// The score of item j for user u is Σ_i X_ui·B_ij. Dense in the item count, so bounded by <see cref="MaxItems"/>.
/// X is binary by default (as in the paper): whether the user interacted with the item.
/// </summary>
public sealed class EaseRecommender : IRecommender
{
    /// <summary>The largest catalogue trained: the Gram matrix and its inverse are items² doubles each (5,000 items ≈ 200 MB each).</summary>
    public const int MaxItems = 5000;
    public const double DefaultLambda = 200;

    private readonly InteractionMatrix _matrix;
    private readonly double[] _rows;

    private EaseRecommender(InteractionMatrix matrix, double[] rows)
    {
        _matrix = matrix;
        _rows = rows;
    }

    public string Name => "ease";

    /// <summary>B, items × items (row = the item the user has, column = the item scored). A copy: for checks and charts.</summary>
    public Matrix<double> Weights => Matrix<double>.Build.Dense(_matrix.ItemCount, _matrix.ItemCount, _rows).Transpose();

    /// <summary>Trains on <paramref name="matrix"/> as given (map it to binary first for the paper's setting). Refuses catalogues above <see cref="MaxItems"/>.</summary>
    public static EaseRecommender Train(InteractionMatrix matrix, double lambda = DefaultLambda, CancellationToken ct = default)
    {
        if (matrix.ItemCount > MaxItems)
            throw new ArgumentOutOfRangeException(nameof(matrix), $"EASE holds an items × items matrix in memory: {matrix.ItemCount} items is more than the {MaxItems} allowed; use ALS (model \"als\") for a catalogue this size.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lambda);
        var n = matrix.ItemCount;
        // Gram matrix XᵀX accumulated user by user from the sparse rows (symmetric, so storage order does not matter).
        var gram = new double[n * n];
        for (var u = 0; u < matrix.UserCount; u++)
        {
            ct.ThrowIfCancellationRequested();
            var items = matrix.ItemsOf(u);
            var values = matrix.ValuesOf(u);
            for (var a = 0; a < items.Length; a++)
            {
                var column = items[a] * n;
                for (var b = 0; b < items.Length; b++) gram[column + items[b]] += values[a] * values[b];
            }
        }
        for (var i = 0; i < n; i++) gram[i * n + i] += lambda;
        ct.ThrowIfCancellationRequested();
        var p = Matrix<double>.Build.Dense(n, n, gram).Cholesky().Solve(Matrix<double>.Build.DenseIdentity(n));
        var pv = p.AsColumnMajorArray() ?? p.ToColumnMajorArray();
        // P is symmetric, so column i of P is row i: B_ij = −P_ij / P_jj laid out row by row for scoring.
        var diagonal = new double[n];
        for (var j = 0; j < n; j++) diagonal[j] = pv[j * n + j];
        for (var i = 0; i < n; i++)
        {
            var row = i * n;
            for (var j = 0; j < n; j++) pv[row + j] = -pv[row + j] / diagonal[j];
            pv[row + i] = 0;
        }
        return new EaseRecommender(matrix, pv);
    }

    public void Score(int user, Span<double> scores)
    {
        scores.Clear();
        var n = _matrix.ItemCount;
        var items = _matrix.ItemsOf(user);
        var values = _matrix.ValuesOf(user);
        for (var a = 0; a < items.Length; a++)
        {
            var row = _rows.AsSpan(items[a] * n, n);
            var x = values[a];
            for (var j = 0; j < n; j++) scores[j] += x * row[j];
        }
    }
}
