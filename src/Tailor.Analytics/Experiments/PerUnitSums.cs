namespace Tailor.Analytics.Experiments;

/// <summary>
/// Reduces per-unit rows (<c>unit,variant,value[,covariate]</c>) to the per-arm sufficient statistics, one pass and
/// constant memory per arm (plus the unit ids, to refuse a unit counted twice). Arms keep the order they first appear in.
/// </summary>
public sealed class PerUnitSums
{
    /// <summary>Most arms a file may have.</summary>
    public const int MaxArms = SumsValidator.MaxArms;

    private readonly Dictionary<string, Accumulator> _arms = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly HashSet<string> _units = new(StringComparer.Ordinal);
    private bool _allBinary = true;
    private int _withCovariate;
    private long _rows;

    /// <summary>Adds one unit's row; returns the problem (field and rule) when the row is refused.</summary>
    public InputProblem? Add(string unit, string variant, double value, double? covariate)
    {
        if (string.IsNullOrEmpty(unit)) return new("unit", "is required");
        if (string.IsNullOrEmpty(variant) || variant.Length > 200) return new("variant", "is required (at most 200 characters)");
        if (!double.IsFinite(value)) return new("value", "must be a finite number");
        if (covariate is { } x && !double.IsFinite(x)) return new("covariate", "must be a finite number");
        if (!_units.Add(unit)) return new("unit", $"'{unit}' appears more than once (a unit belongs to one arm, once)");
        if (!_arms.TryGetValue(variant, out var arm))
        {
            if (_arms.Count == MaxArms) return new("variant", $"at most {MaxArms} variants");
            _arms[variant] = arm = new Accumulator();
            _order.Add(variant);
        }
        if (_rows > 0 && (covariate is not null) != (_withCovariate > 0)) return new("covariate", "must be given on every row or on none");
        _rows++;
        if (covariate is not null) _withCovariate++;
        _allBinary &= value is 0 or 1;
        arm.Add(value, covariate);
        return null;
    }

    /// <summary>The variants in order of first appearance.</summary>
    public IReadOnlyList<string> Variants => _order;

    /// <summary>
    /// The experiment's sums: one metric named <paramref name="metricName"/>, a rate when every value is 0 or 1 (unless
    /// <paramref name="kind"/> says otherwise), equal planned allocation unless <paramref name="weights"/> gives it, and
    /// the first variant as control unless <paramref name="control"/> names one.
    /// </summary>
    public ExperimentSums ToSums(string metricName, MetricKind? kind = null, string? control = null, IReadOnlyDictionary<string, double>? weights = null)
    {
        var k = kind ?? (_allBinary ? MetricKind.Rate : MetricKind.Mean);
        var arms = _order.Select(v => new ArmAllocation(v, weights is not null && weights.TryGetValue(v, out var w) ? w : 1)).ToList();
        var sums = _order.Select(v => _arms[v].ToSums(v, k)).ToList();
        return new ExperimentSums(control ?? _order.FirstOrDefault() ?? "", arms, [new MetricSums(metricName, k, sums)]);
    }

    private sealed class Accumulator
    {
        private long _n;
        private double _sum, _squares, _x, _xSquares, _xy;
        private bool _covariate;

        public void Add(double y, double? x)
        {
            _n++;
            _sum += y;
            _squares += y * y;
            if (x is not { } c) return;
            _covariate = true;
            _x += c;
            _xSquares += c * c;
            _xy += y * c;
        }

        public ArmSums ToSums(string arm, MetricKind kind)
        {
            var sums = kind == MetricKind.Rate
                ? new ArmSums(arm, _n) { Conversions = (long)_sum }
                : new ArmSums(arm, _n) { Sum = _sum, SumOfSquares = _squares };
            return _covariate ? sums with { CovariateSum = _x, CovariateSumOfSquares = _xSquares, ValueCovariateProducts = _xy } : sums;
        }
    }
}
