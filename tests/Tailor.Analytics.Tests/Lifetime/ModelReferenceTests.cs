using System.Text.Json;
using Tailor.Analytics.Lifetime;

namespace Tailor.Analytics.Tests.Lifetime;

/// <summary>
/// Likelihoods, P(alive), expected purchases, expected spend, CLV and ₂F₁ against scipy on made-up customers
/// (Fixtures/Lifetime/make_model_reference.py, scipy 1.10.1; the script also checks each closed form against numerical
/// integration over the latent rates before recording it).
/// </summary>
public sealed class ModelReferenceTests
{
    private const double Relative = 1e-9;
    private static readonly JsonElement Reference = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Lifetime", "model_reference.json"))).RootElement;

    private static CustomerSummary[] Customers() =>
        [.. Reference.GetProperty("customers").EnumerateArray().Select((c, i) => new CustomerSummary($"c{i}",
            c.GetProperty("x").GetInt32(), c.GetProperty("tx").GetDouble(), c.GetProperty("T").GetDouble(), c.GetProperty("m").GetDouble()))];

    private static double[] Horizons() => [.. Reference.GetProperty("horizons").EnumerateArray().Select(h => h.GetDouble())];

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Relative * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private static double P(JsonElement parameters, string name) => parameters.GetProperty(name).GetDouble();

    private static IPurchaseModel Model(string family, JsonElement p) => family == "bgnbd"
        ? new BgNbdModel(P(p, "r"), P(p, "alpha"), P(p, "a"), P(p, "b"))
        : new ParetoNbdModel(P(p, "r"), P(p, "alpha"), P(p, "s"), P(p, "beta"));

    [Theory]
    [InlineData("bgnbd")]
    [InlineData("paretonbd")]
    public void Log_likelihood_p_alive_and_expected_purchases_match_scipy(string family)
    {
        var customers = Customers();
        var horizons = Horizons();
        var checkedValues = 0;
        foreach (var set in Reference.GetProperty(family).EnumerateArray())
        {
            var model = Model(family, set.GetProperty("parameters"));
            var rows = set.GetProperty("rows").EnumerateArray().ToArray();
            for (var i = 0; i < customers.Length; i++)
            {
                var (x, tx, t) = (customers[i].Frequency, customers[i].Recency, customers[i].Age);
                var what = $"{family} {set.GetProperty("parameters")} customer {i}";
                Close(rows[i].GetProperty("ll").GetDouble(), model.LogLikelihood(x, tx, t), $"LL {what}");
                Close(rows[i].GetProperty("p_alive").GetDouble(), model.ProbabilityAlive(x, tx, t), $"P(alive) {what}");
                var expected = rows[i].GetProperty("expected").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                for (var h = 0; h < horizons.Length; h++)
                {
                    Close(expected[h], model.ExpectedPurchases(horizons[h], x, tx, t), $"E[Y({horizons[h]})] {what}");
                }
                checkedValues += 2 + horizons.Length;
            }
        }
        Assert.True(checkedValues >= 100);
    }

    [Fact]
    public void Gamma_gamma_log_likelihood_and_expected_spend_match_scipy()
    {
        var customers = Customers();
        foreach (var set in Reference.GetProperty("gammagamma").EnumerateArray())
        {
            var p = set.GetProperty("parameters");
            var model = new GammaGammaModel(P(p, "p"), P(p, "q"), P(p, "gamma"));
            var rows = set.GetProperty("rows").EnumerateArray().ToArray();
            for (var i = 0; i < customers.Length; i++)
            {
                var c = customers[i];
                Close(rows[i].GetProperty("spend").GetDouble(), model.ExpectedAverageSpend(c.Frequency, c.MonetaryValue), $"spend {p} customer {i}");
                if (c.Frequency > 0)
                {
                    Close(rows[i].GetProperty("ll").GetDouble(), model.LogLikelihood(c.Frequency, c.MonetaryValue), $"LL {p} customer {i}");
                }
            }
        }
    }

    [Theory]
    [InlineData("bgnbd")]
    [InlineData("paretonbd")]
    public void Discounted_lifetime_value_matches_the_lifetimes_loop_written_in_python(string family)
    {
        var clv = Reference.GetProperty("clv");
        var model = Model(family, Reference.GetProperty(family)[0].GetProperty("parameters"));
        var gg = Reference.GetProperty("gammagamma")[0].GetProperty("parameters");
        var spend = new GammaGammaModel(P(gg, "p"), P(gg, "q"), P(gg, "gamma"));
        var expected = clv.GetProperty(family).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var customers = Customers();
        for (var i = 0; i < customers.Length; i++)
        {
            var c = customers[i];
            var value = LifetimeValue.Of(model, spend.ExpectedAverageSpend(c.Frequency, c.MonetaryValue), c,
                clv.GetProperty("horizon_days").GetDouble(), clv.GetProperty("monthly_discount").GetDouble(), clv.GetProperty("period_days").GetDouble());
            Close(expected[i], value, $"CLV {family} customer {i}");
        }
    }

    [Fact]
    public void Hyp2f1_matches_scipy_on_a_grid()
    {
        var rows = Reference.GetProperty("hyp2f1").EnumerateArray().ToArray();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var (a, b, c, z) = (P(row, "a"), P(row, "b"), P(row, "c"), P(row, "z"));
            Close(P(row, "value"), Hypergeometric.Hyp2F1(a, b, c, z), $"2F1({a}, {b}; {c}; {z})");
        }
    }

    [Fact]
    public void Hyp2f1_outside_the_unit_disc_is_NaN_not_a_wrong_number()
    {
        Assert.True(double.IsNaN(Hypergeometric.Hyp2F1(1, 1, 2, 1)));
        Assert.True(double.IsNaN(Hypergeometric.Hyp2F1(1, 1, 2, -1.5)));
    }
}
