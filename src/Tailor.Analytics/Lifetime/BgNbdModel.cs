using MathNet.Numerics;

namespace Tailor.Analytics.Lifetime;

/// <summary>
/// The BG/NBD model (Fader, Hardie &amp; Lee 2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)):
/// while active, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each repeat purchase they become
/// inactive with probability p ~ Beta(a, b). Expressions are the paper's equations (6), (11) and (10), with ln Γ
/// differences and log-sum-exp so large x does not overflow.
/// </summary>
public sealed record BgNbdModel(double R, double Alpha, double A, double B) : IPurchaseModel
{
    /// <inheritdoc/>
    public string Name => "bgnbd";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>
    {
        ["r"] = R, ["alpha"] = Alpha, ["a"] = A, ["b"] = B,
    };

    /// <summary>
    /// ln L = ln[Γ(r+x)αʳ/Γ(r)] + ln[Γ(a+b)Γ(b+x)/(Γ(b)Γ(a+b+x))]
    ///      + ln[(α+T)^−(r+x) + δₓ₍&gt;₀₎ a/(b+x−1) (α+tₓ)^−(r+x)].
    /// </summary>
    public double LogLikelihood(int x, double tx, double t)
    {
        var a1 = LogMath.LogRisingFactorial(R, x) + R * Math.Log(Alpha);
        var a2 = SpecialFunctions.GammaLn(A + B) + SpecialFunctions.GammaLn(B + x) - SpecialFunctions.GammaLn(B) - SpecialFunctions.GammaLn(A + B + x);
        return a1 + a2 + LogTail(x, tx, t);
    }

    // ln[(α+T)^−(r+x) + δ a/(b+x−1) (α+tₓ)^−(r+x)]: the part of the likelihood that depends on the times.
    internal double LogTail(int x, double tx, double t)
    {
        var a3 = -(R + x) * Math.Log(Alpha + t);
        var a4 = x > 0 ? Math.Log(A) - Math.Log(B + x - 1) - (R + x) * Math.Log(Alpha + tx) : double.NegativeInfinity;
        return LogMath.AddExp(a3, a4);
    }

    /// <summary>P(alive) = 1 / [1 + δₓ₍&gt;₀₎ a/(b+x−1) ((α+T)/(α+tₓ))^(r+x)].</summary>
    public double ProbabilityAlive(int x, double tx, double t) => 1 / (1 + DeadOdds(x, tx, t));

    private double DeadOdds(int x, double tx, double t) =>
        x == 0 ? 0 : Math.Exp(Math.Log(A) - Math.Log(B + x - 1) + (R + x) * Math.Log((Alpha + t) / (Alpha + tx)));

    /// <summary>
    /// E[Y(h) | x, tₓ, T] = [(a+b+x−1)/(a−1)] [1 − ((α+T)/(α+T+h))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; h/(α+T+h))]
    /// / [1 + δₓ₍&gt;₀₎ a/(b+x−1) ((α+T)/(α+tₓ))^(r+x)]  (equation 10; a ≠ 1).
    /// </summary>
    public double ExpectedPurchases(double horizon, int x, double tx, double t)
    {
        if (horizon <= 0)
        {
            return 0;
        }
        var hyp = Hypergeometric.Hyp2F1(R + x, B + x, A + B + x - 1, horizon / (Alpha + t + horizon));
        var first = (A + B + x - 1) / (A - 1) * (1 - Math.Pow((Alpha + t) / (Alpha + t + horizon), R + x) * hyp);
        return first / (1 + DeadOdds(x, tx, t));
    }
}
