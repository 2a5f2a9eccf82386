using MathNet.Numerics;

namespace Tailor.Analytics.Lifetime;

/// <summary>
/// The Gamma-Gamma model of spend (Fader, Hardie &amp; Lee 2005, "RFM and CLV: Using Iso-Value Curves for Customer Base
/// Analysis", Journal of Marketing Research 42(4); Fader &amp; Hardie 2013, "The Gamma-Gamma Model of Monetary Value"):
/// a customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ), independent of the purchase process. It is
/// fitted on customers with at least one repeat purchase, m being the mean of their x repeat purchases.
/// </summary>
public sealed record GammaGammaModel(double P, double Q, double Gamma)
{
    /// <summary>The parameters by their papers' names.</summary>
    public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double>
    {
        ["p"] = P, ["q"] = Q, ["gamma"] = Gamma,
    };

    /// <summary>
    /// ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + m x)
    /// (the density of the mean m of x transactions).
    /// </summary>
    public double LogLikelihood(int x, double m)
    {
        var px = P * x;
        return SpecialFunctions.GammaLn(px + Q) - SpecialFunctions.GammaLn(px) - SpecialFunctions.GammaLn(Q)
            + Q * Math.Log(Gamma) + (px - 1) * Math.Log(m) + px * Math.Log(x) - (px + Q) * Math.Log(Gamma + m * x);
    }

    /// <summary>
    /// E[M | m, x] = (γ + m x) p / (p x + q − 1): a weighted mean of the population mean p γ/(q − 1) and the customer's
    /// own m (for x = 0, the population mean). Needs q &gt; 1.
    /// </summary>
    public double ExpectedAverageSpend(int x, double m) => (Gamma + m * x) * P / (P * x + Q - 1);
}
