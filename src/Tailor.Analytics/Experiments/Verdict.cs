using System.Text.Json.Serialization;

namespace Tailor.Analytics.Experiments;

/// <summary>What a comparison, or the whole experiment, says.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>The treatment is better than control, significantly (or with ≥ 1 − α chance, Bayesian).</summary>
    Wins,

    /// <summary>The treatment is worse than control, significantly.</summary>
    Loses,

    /// <summary>Enough data was seen and no difference was found.</summary>
    Inconclusive,

    /// <summary>A fixed-horizon test before its planned sample size: no call is made yet.</summary>
    NotYet,

    /// <summary>The test cannot be trusted (sample ratio mismatch, or no units in an arm).</summary>
    Broken,
}
