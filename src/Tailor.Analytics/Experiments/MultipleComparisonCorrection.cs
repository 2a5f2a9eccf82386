using System.Text.Json.Serialization;

namespace Tailor.Analytics.Experiments;

/// <summary>How p-values are adjusted across all comparisons of one analysis (every treatment arm × every metric).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MultipleComparisonCorrection>))]
public enum MultipleComparisonCorrection
{
    /// <summary>No adjustment: adjusted p-values equal the raw ones.</summary>
    None,

    /// <summary>Holm's step-down method (controls the family-wise error rate). The default.</summary>
    Holm,

    /// <summary>Benjamini–Hochberg step-up method (controls the false discovery rate).</summary>
    BenjaminiHochberg,
}
