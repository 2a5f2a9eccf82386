using MathNet.Numerics;

namespace Tailor.Analytics.Lifetime;

/// <summary>
/// The BG/NBD log-likelihood summed over a <see cref="SummaryTable"/>, the same expression as
/// <see cref="BgNbdModel.LogLikelihood"/> with each ln Γ and logarithm computed once per distinct x, tₓ or T rather than
/// once per customer: what keeps a fit on 25,000 customers within a second or two.
/// </summary>
internal sealed class BgNbdLikelihood(SummaryTable table)
{
    private readonly double[] _perX = new double[table.DistinctX.Length];
    private readonly double[] _logBx = new double[table.DistinctX.Length];
    private readonly double[] _logAlphaTx = new double[table.DistinctTx.Length];
    private readonly double[] _logAlphaT = new double[table.DistinctT.Length];

    public double Of(double r, double alpha, double a, double b)
    {
        var logA = Math.Log(a);
        var constant = r * Math.Log(alpha) + SpecialFunctions.GammaLn(a + b) - SpecialFunctions.GammaLn(b);
        var xs = table.DistinctX;
        for (var k = 0; k < xs.Length; k++)
        {
            var x = xs[k];
            _perX[k] = LogMath.LogRisingFactorial(r, x) + SpecialFunctions.GammaLn(b + x) - SpecialFunctions.GammaLn(a + b + x);
            _logBx[k] = x > 0 ? Math.Log(b + x - 1) : 0;
        }
        for (var k = 0; k < _logAlphaTx.Length; k++)
        {
            _logAlphaTx[k] = Math.Log(alpha + table.DistinctTx[k]);
        }
        for (var k = 0; k < _logAlphaT.Length; k++)
        {
            _logAlphaT[k] = Math.Log(alpha + table.DistinctT[k]);
        }
        var sum = 0.0;
        var total = 0.0;
        var x0 = table.X;
        for (var i = 0; i < x0.Length; i++)
        {
            var xi = table.XIndex[i];
            var rx = r + x0[i];
            var a3 = -rx * _logAlphaT[table.TIndex[i]];
            var tail = x0[i] > 0 ? LogMath.AddExp(a3, logA - _logBx[xi] - rx * _logAlphaTx[table.TxIndex[i]]) : a3;
            sum += table.Count[i] * (_perX[xi] + tail);
            total += table.Count[i];
        }
        return sum + total * constant;
    }
}
