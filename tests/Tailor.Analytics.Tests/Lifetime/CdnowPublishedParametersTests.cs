using Tailor.Analytics.Lifetime;

namespace Tailor.Analytics.Tests.Lifetime;

/// <summary>
/// The fits on the CDNOW sample (2,357 customers, calibration 1997-01-01 … 1997-09-30, time in weeks) against the
/// published figures:
/// BG/NBD — Fader, Hardie &amp; Lee (2005), "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD
/// Model", Marketing Science 24(2), 275–284, section 4: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4;
/// Pareto/NBD — the same paper, fitted to the same data for comparison: r = 0.553, α = 10.578, s = 0.606, β = 11.669,
/// LL = −9595.0; Gamma-Gamma — Fader, Hardie &amp; Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer Base
/// Analysis", Journal of Marketing Research 42(4), and Fader &amp; Hardie (2013), "The Gamma-Gamma Model of Monetary
/// Value", on the 946 customers with a repeat purchase: p = 6.25, q = 3.74, γ = 15.44.
/// Skipped unless <c>TAILOR_TEST_CDNOW_SAMPLE</c> names the file (it has no licence and stays out of the repository).
/// </summary>
public sealed class CdnowPublishedParametersTests
{
    private static string Show(IReadOnlyDictionary<string, double> parameters) =>
        string.Join(", ", parameters.Select(p => $"{p.Key} = {p.Value:F4}"));

    private static IReadOnlyList<CustomerSummary> Summaries()
    {
        var path = CdnowSample.Path;
        if (path is null)
        {
            Assert.Skip($"{CdnowSample.Variable} is not set (path to cdnow-sample.csv, which is kept out of the repository).");
        }
        var summaries = CalibrationSummaries.Of(CdnowSample.Read(path), CdnowSample.CalibrationEnd);
        Assert.Equal(2357, summaries.Count);
        return summaries;
    }

    [Fact]
    public void Bg_nbd_fit_matches_the_published_parameters_and_log_likelihood()
    {
        var fit = LifetimeFits.FitBgNbd(Summaries(), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"BG/NBD {Show(fit.Model.Parameters)} LL = {fit.LogLikelihood:F4} ({fit.Evaluations} evaluations)");
        Assert.Equal(0.243, fit.Model.R, 0.0005);
        Assert.Equal(4.414, fit.Model.Alpha, 0.0005);
        Assert.Equal(0.793, fit.Model.A, 0.0005);
        Assert.Equal(2.426, fit.Model.B, 0.0005);
        Assert.Equal(-9582.4, fit.LogLikelihood, 0.05);
    }

    [Fact]
    public void Pareto_nbd_fit_matches_the_published_parameters_and_log_likelihood()
    {
        var fit = LifetimeFits.FitParetoNbd(Summaries(), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"Pareto/NBD {Show(fit.Model.Parameters)} LL = {fit.LogLikelihood:F4} ({fit.Evaluations} evaluations)");
        Assert.Equal(0.553, fit.Model.R, 0.0005);
        Assert.Equal(10.578, fit.Model.Alpha, 0.0005);
        Assert.Equal(0.606, fit.Model.S, 0.0005);
        Assert.Equal(11.669, fit.Model.Beta, 0.0005);
        Assert.Equal(-9595.0, fit.LogLikelihood, 0.05);
    }

    [Fact]
    public void Gamma_gamma_fit_on_the_946_repeat_customers_matches_the_published_parameters()
    {
        var fit = LifetimeFits.FitGammaGamma(Summaries(), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"Gamma-Gamma {Show(fit.Model.Parameters)} LL = {fit.LogLikelihood:F4} on {fit.Customers} customers");
        Assert.Equal(946, fit.Customers);
        Assert.Equal(6.25, fit.Model.P, 0.005);
        Assert.Equal(3.74, fit.Model.Q, 0.005);
        Assert.Equal(15.44, fit.Model.Gamma, 0.005);
    }
}
