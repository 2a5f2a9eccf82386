using System.Text.Json.Serialization;

namespace Tailor.Analytics.Experiments;

/// <summary>How the comparisons are made. Sequential is the default: it may be looked at any time.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TestMethod>))]
public enum TestMethod
{
    /// <summary>Always-valid confidence sequences and p-values (normal-mixture boundary); safe to peek.</summary>
    Sequential,

    /// <summary>Classical fixed-horizon tests; a winner is called only once the planned sample size is reached.</summary>
    FixedHorizon,

    /// <summary>Posterior on the lift (normal; beta-binomial for rates): chance to beat control, expected loss, credible interval.</summary>
    Bayesian,
}
