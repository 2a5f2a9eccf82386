using MathNet.Numerics;

namespace Tailor.Analytics.Lifetime;

/// <summary>
/// The Pareto/NBD model (Schmittlein, Morrison &amp; Colombo 1987, "Counting Your Customers: Who Are They and What Will
/// They Do Next?", Management Science 33(1)): purchases at rate λ ~ Gamma(r, α) while alive, an exponential lifetime with
/// rate μ ~ Gamma(s, β). The likelihood is the form in Fader &amp; Hardie (2005), "A Note on Deriving the Pareto/NBD
/// Model and Related Expressions", equations (16)–(19), whose A₀ needs <see cref="Hypergeometric.Hyp2F1"/>.
/// </summary>
public sealed record ParetoNbdModel(double R, double Alpha, double S, double Beta) : IPurchaseModel
{
    /// <inheritdoc/>
    public string Name => "paretonbd";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>
    {
        ["r"] = R, ["alpha"] = Alpha, ["s"] = S, ["beta"] = Beta,
    };

    /// <summary>
    /// L = Γ(r+x)αʳβˢ/Γ(r) · { 1/[(α+T)^(r+x)(β+T)ˢ] + s/(r+s+x) · A₀ }, with, for α ≥ β,
    /// A₀ = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+tₓ))/(α+tₓ)^(r+s+x) − ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+T))/(α+T)^(r+s+x),
    /// and for α &lt; β the same with α and β swapped and s+1 replaced by r+x.
    /// </summary>
    public double LogLikelihood(int x, double tx, double t)
    {
        var head = LogMath.LogRisingFactorial(R, x) + R * Math.Log(Alpha) + S * Math.Log(Beta);
        var aliveAtT = -(R + x) * Math.Log(Alpha + t) - S * Math.Log(Beta + t);
        var diedBefore = Math.Log(S) - Math.Log(R + S + x) + LogA0(x, tx, t);
        return head + LogMath.AddExp(aliveAtT, diedBefore);
    }

    /// <summary>P(alive) = 1 / {1 + s/(r+s+x) · (α+T)^(r+x) (β+T)ˢ · A₀}.</summary>
    public double ProbabilityAlive(int x, double tx, double t)
    {
        var logOdds = Math.Log(S) - Math.Log(R + S + x) + (R + x) * Math.Log(Alpha + t) + S * Math.Log(Beta + t) + LogA0(x, tx, t);
        return 1 / (1 + Math.Exp(logOdds));
    }

    /// <summary>
    /// E[Y(h) | x, tₓ, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+h))^(s−1)] · P(alive)
    /// (for s = 1 the limit (r+x)(β+T)/(α+T) · ln((β+T+h)/(β+T)) · P(alive)).
    /// </summary>
    public double ExpectedPurchases(double horizon, int x, double tx, double t)
    {
        if (horizon <= 0)
        {
            return 0;
        }
        var rate = (R + x) * (Beta + t) / (Alpha + t);
        var shape = Math.Abs(S - 1) < 1e-9
            ? Math.Log((Beta + t + horizon) / (Beta + t))
            : (1 - Math.Pow((Beta + t) / (Beta + t + horizon), S - 1)) / (S - 1);
        return rate * shape * ProbabilityAlive(x, tx, t);
    }

    // ln A₀, evaluated as ln P₁ + ln(1 − P₂/P₁) so the difference of two close terms keeps its precision.
    private double LogA0(int x, double tx, double t)
    {
        var (larger, smaller, second) = Alpha >= Beta ? (Alpha, Beta, S + 1) : (Beta, Alpha, R + x);
        var rsx = R + S + x;
        var gap = larger - smaller;
        var logP1 = Math.Log(Hypergeometric.Hyp2F1(rsx, second, rsx + 1, gap / (larger + tx))) - rsx * Math.Log(larger + tx);
        var logP2 = Math.Log(Hypergeometric.Hyp2F1(rsx, second, rsx + 1, gap / (larger + t))) - rsx * Math.Log(larger + t);
        return logP1 + Math.Log(-double.ExpM1(logP2 - logP1));
    }
}
