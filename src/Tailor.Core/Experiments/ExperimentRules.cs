using System.Text.RegularExpressions;
using Tailor.Core.Events;

namespace Tailor.Core.Experiments;

/// <summary>
/// Checks an experiment definition and completes it (the cells of a multivariate test, the global holdout's arm):
/// the first broken rule is returned naming the field (as the API spells it) and the rule.
/// </summary>
public static partial class ExperimentRules
{
    public const int MinVariants = 2;
    public const int MaxVariants = 24;
    public const int MaxMetrics = 10;
    public const int MaxFactors = 4;
    public const int MaxLevels = 6;
    public const double MaxHoldout = 0.5;
    public const double MaxWindowHours = 24 * 90;
    public const double MaxLookbackHours = 24 * 365;

    /// <summary>Tolerance on "the weights sum to 1" (weights are usually written with two or three decimals).</summary>
    public const double WeightTolerance = 1e-6;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex KeySyntax();

    /// <summary>Variant keys may also hold '.', which joins the levels of a multivariate cell.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,199}$")]
    private static partial Regex VariantKeySyntax();

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex PropertySyntax();

    /// <summary>The largest planned sample an experiment may state (a trillion units).</summary>
    public const long MaxPlannedUnits = 1_000_000_000_000;

    public const string KeyRule = "must be 1 to 64 characters: lowercase letters, digits, '_' or '-', starting with a letter or digit";

    /// <summary>The definition completed (cells generated, the global holdout's arm added), or the first rule it breaks.</summary>
    public static (ExperimentDefinition? Definition, ValidationError? Error) Prepare(ExperimentDefinition d)
    {
        if (!IsKey(d.Key)) return Fail("key", KeyRule);
        if (d.Name is { Length: > 200 }) return Fail("name", "must be at most 200 characters");
        if (d.Subject is null) return Fail("subject", "is required: {kind, name}");
        var needsName = d.Subject.Kind is SubjectKind.Placement or SubjectKind.Block or SubjectKind.Campaign or SubjectKind.Trigger;
        if (needsName && string.IsNullOrWhiteSpace(d.Subject.Name)) return Fail("subject.name", $"is required for a {Wire(d.Subject.Kind)} experiment: the {Wire(d.Subject.Kind)} under test");
        if (!needsName && d.Subject.Name is not null) return Fail("subject.name", $"must be absent for a {Wire(d.Subject.Kind)} experiment");
        if (d.Subject.Name is { Length: > 200 }) return Fail("subject.name", "must be at most 200 characters");
        if (double.IsNaN(d.Holdout) || d.Holdout < 0 || d.Holdout > MaxHoldout) return Fail("holdout", $"must be a fraction between 0 and {MaxHoldout}");
        if (d.Audience is { Length: 0 or > 200 }) return Fail("audience", "must name a segment");

        if (d.Method is { } method && !ExperimentDefinition.Methods.Contains(method))
            return Fail("method", $"must be one of {string.Join(", ", ExperimentDefinition.Methods)}");
        if (d.PlannedUnits is { } planned && (planned < 2 || planned > MaxPlannedUnits)) return Fail("plannedUnits", $"must be between 2 and {MaxPlannedUnits}");

        if (d.Subject.Kind == SubjectKind.Global)
        {
            if (d.Key != ExperimentArms.GlobalKey) return Fail("key", $"must be \"{ExperimentArms.GlobalKey}\" for the global holdout");
            if (d.Holdout <= 0) return Fail("holdout", "must be above 0 for the global holdout: the share of visitors that gets no personalization");
            if (d.Variants is { Count: > 0 } || d.Factors is { Count: > 0 }) return Fail("variants", "must be absent for the global holdout (its arms are holdout and personalized)");
            d = d with { Variants = [new ExperimentVariant(ExperimentArms.Personalized)] };
        }
        else if (d.Factors is { Count: > 0 } factors)
        {
            if (d.Variants is { Count: > 0 }) return Fail("variants", "must be absent when factors are given: the variants are the cells of the full factorial");
            if (factors.Count > MaxFactors) return Fail("factors", $"must be at most {MaxFactors}");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var cells = 1;
            for (var i = 0; i < factors.Count; i++)
            {
                var f = factors[i];
                if (f is null || !IsKey(f.Name)) return Fail($"factors[{i}].name", KeyRule);
                if (!names.Add(f.Name)) return Fail($"factors[{i}].name", "must be unique");
                if (f.Levels is not { Count: >= 2 } || f.Levels.Count > MaxLevels) return Fail($"factors[{i}].levels", $"must have 2 to {MaxLevels} levels");
                var levels = new HashSet<string>(StringComparer.Ordinal);
                for (var j = 0; j < f.Levels.Count; j++)
                {
                    if (!IsKey(f.Levels[j]) || f.Levels[j].Contains(Factorial.Separator)) return Fail($"factors[{i}].levels[{j}]", KeyRule);
                    if (!levels.Add(f.Levels[j])) return Fail($"factors[{i}].levels[{j}]", "must be unique within the factor");
                }
                cells *= f.Levels.Count;
            }
            if (cells > MaxVariants) return Fail("factors", $"must make at most {MaxVariants} cells (the full factorial has {cells})");
            if (d.Subject.Kind != SubjectKind.Flag) return Fail("factors", "are only for flag experiments (the application reads each factor's level)");
            d = d with { Variants = Factorial.Cells(factors) };
        }

        var variants = d.Variants;
        if (variants is null || variants.Count < MinVariants || variants.Count > MaxVariants)
            if (d.Subject.Kind != SubjectKind.Global) return Fail("variants", $"must have {MinVariants} to {MaxVariants} variants");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var weighted = 0;
        var sum = 0.0;
        for (var i = 0; i < variants!.Count; i++)
        {
            var v = variants[i];
            if (v is null || v.Key is null || !VariantKeySyntax().IsMatch(v.Key))
                return Fail($"variants[{i}].key", "must be 1 to 200 characters: lowercase letters, digits, '_', '-' or '.', starting with a letter or digit");
            if (v.Key == ExperimentArms.Holdout && d.Subject.Kind != SubjectKind.Global) return Fail($"variants[{i}].key", "must not be \"holdout\": set holdout to a fraction instead");
            if (!keys.Add(v.Key)) return Fail($"variants[{i}].key", "must be unique");
            if (v.Weight is { } w)
            {
                if (!double.IsFinite(w) || w <= 0 || w > 1) return Fail($"variants[{i}].weight", "must be a share above 0 and at most 1");
                weighted++;
                sum += w;
            }
            if (Content(d.Subject.Kind, v, $"variants[{i}]") is { } contentError) return (null, contentError);
        }
        if (weighted != 0 && weighted != variants.Count) return Fail("variants", "must give a weight for every variant or for none (an equal split)");
        if (weighted != 0 && Math.Abs(sum - 1) > WeightTolerance) return Fail("variants", $"weights must sum to 1 (they sum to {sum:0.######})");

        var metricNames = new HashSet<string>(StringComparer.Ordinal);
        var secondary = d.SecondaryMetrics ?? [];
        var guardrail = d.GuardrailMetrics ?? [];
        if (secondary.Count + guardrail.Count + 1 > MaxMetrics) return Fail("secondaryMetrics", $"with the primary and guardrail metrics, at most {MaxMetrics} metrics");
        if (d.PrimaryMetric is not null && Metric(d.PrimaryMetric, "primaryMetric", metricNames) is { } e0) return (null, e0);
        for (var i = 0; i < secondary.Count; i++)
            if (Metric(secondary[i], $"secondaryMetrics[{i}]", metricNames) is { } e1) return (null, e1);
        for (var i = 0; i < guardrail.Count; i++)
            if (Metric(guardrail[i], $"guardrailMetrics[{i}]", metricNames) is { } e2) return (null, e2);
        return (d, null);
    }

    /// <summary>What starting needs beyond a valid definition: a primary metric.</summary>
    public static ValidationError? ReadyToStart(ExperimentDefinition d) =>
        d.PrimaryMetric is null ? new ValidationError("primaryMetric", "is required to start: what the experiment decides on") : null;

    public static bool IsKey(string? key) => key is not null && KeySyntax().IsMatch(key);

    private static ValidationError? Content(SubjectKind kind, ExperimentVariant v, string field)
    {
        if (v.Block is not null && kind != SubjectKind.Placement) return new($"{field}.block", $"is only for placement experiments, not {Wire(kind)}");
        if (v.Template is not null && kind is not (SubjectKind.Placement or SubjectKind.Campaign)) return new($"{field}.template", $"is only for placement and campaign experiments, not {Wire(kind)}");
        if (v.Block is not null && v.Template is not null) return new($"{field}.block", "at most one of 'block' or 'template'");
        if (v.Value is not null && kind is not (SubjectKind.Block or SubjectKind.Trigger or SubjectKind.Flag)) return new($"{field}.value", $"is only for block, trigger and flag experiments, not {Wire(kind)}");
        if (kind == SubjectKind.Trigger && string.IsNullOrEmpty(v.Value)) return new($"{field}.value", "is required for a trigger experiment: the branch this arm takes");
        if (v.Value is { Length: > 1000 } || v.Block is { Length: > 200 } || v.Template is { Length: > 200 }) return new(field, "names and values must be at most 200 (values 1000) characters");
        return null;
    }

    private static ValidationError? Metric(ExperimentMetric? m, string field, HashSet<string> names)
    {
        if (m is null) return new(field, "must be a metric {name, kind, event}");
        if (!IsKey(m.Name)) return new($"{field}.name", KeyRule);
        if (!names.Add(m.Name)) return new($"{field}.name", "must be unique among the experiment's metrics");
        if (string.IsNullOrWhiteSpace(m.Event) || m.Event.Length > 200) return new($"{field}.event", "is required: the track event's name (at most 200 characters)");
        if (m.Kind == MetricKind.Sum && m.Property is null) return new($"{field}.property", "is required for a sum metric: the numeric property summed (e.g. revenue)");
        if (m.Property is not null && !PropertySyntax().IsMatch(m.Property)) return new($"{field}.property", "must be a property name: 1 to 64 letters, digits or '_'");
        if (m.Property is not null && m.Kind is not (MetricKind.Sum or MetricKind.Ratio)) return new($"{field}.property", "is only for sum and ratio metrics");
        if (m.Kind == MetricKind.Ratio && string.IsNullOrWhiteSpace(m.DenominatorEvent)) return new($"{field}.denominatorEvent", "is required for a ratio metric");
        if (m.Kind != MetricKind.Ratio && (m.DenominatorEvent is not null || m.DenominatorProperty is not null)) return new($"{field}.denominatorEvent", "is only for ratio metrics");
        if (m.DenominatorEvent is { Length: > 200 }) return new($"{field}.denominatorEvent", "must be at most 200 characters");
        if (m.DenominatorProperty is not null && !PropertySyntax().IsMatch(m.DenominatorProperty)) return new($"{field}.denominatorProperty", "must be a property name: 1 to 64 letters, digits or '_'");
        if (!double.IsFinite(m.WindowHours) || m.WindowHours <= 0 || m.WindowHours > MaxWindowHours) return new($"{field}.windowHours", $"must be above 0 and at most {MaxWindowHours}");
        if (!double.IsFinite(m.LookbackHours) || m.LookbackHours < 0 || m.LookbackHours > MaxLookbackHours) return new($"{field}.lookbackHours", $"must be between 0 and {MaxLookbackHours}");
        return null;
    }

    private static (ExperimentDefinition?, ValidationError?) Fail(string field, string rule) => (null, new ValidationError(field, rule));

    private static string Wire(SubjectKind kind) => kind.ToString().ToLowerInvariant();
}
