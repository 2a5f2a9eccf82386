using System.Text.Json;
using System.Text.Json.Serialization;
using Tailor.Analytics.Propensity;

namespace Tailor.Application.Analytics.Propensity;

/// <summary>What a propensity run reports (its stored result): the question, the validation of both models, the verdict and the promotion.</summary>
public sealed record PropensitySummary(
    string Target,
    int HorizonDays,
    DateTimeOffset Cutoff,
    DateTimeOffset AsOf,
    string OrderEvent,
    string ScoreTrait,
    PropensityValidation Validation,
    bool Promoted,
    string Promotion,
    string? InUseRun,
    long ProfilesScored,
    GradientBoostingOptions Hyperparameters,
    IReadOnlyList<string> Features)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // A fold AUC is undefined only when a fold lacks a class, which stratification prevents; never fail a run on it.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The chosen model's CV AUC: what the next run's promotion compares against.</summary>
    public double ChosenAuc => Validation.ChosenAuc;

    /// <summary>The verdict, repeated at the top level for a person reading the result.</summary>
    public string Verdict => Validation.Verdict;
}
