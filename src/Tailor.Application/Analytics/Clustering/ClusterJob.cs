using System.Globalization;
using System.Text.Json;
using Tailor.Analytics.Clustering;
using Tailor.Application.Segments;
using Tailor.Core.Analytics;
using Tailor.Core.Segments.Evaluation;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Clustering;

/// <summary>
/// Kind <c>cluster</c>: reads every live profile's chosen traits and computed traits, clusters them
/// (<see cref="ClusterAnalysis"/>), writes trait <c>cluster</c> (the cluster's name) and <c>cluster_run</c> back to each
/// clustered profile through <see cref="ScoreWriter"/>, and with <c>publish</c> saves one segment per cluster (rule
/// <c>trait cluster = "&lt;name&gt;"</c>) before the traits are written, so memberships follow the traits through the
/// pipeline like any segment's. A profile missing a feature is left out (counted in the result).
/// </summary>
public sealed class ClusterJob(IAnalyticsStore store, ScoreWriter scores, SegmentOperations segments, SegmentEngine engine) : AnalyticsJob<ClusterParameters>
{
    /// <summary>The trait that carries a profile's cluster name.</summary>
    public const string ClusterTrait = "cluster";

    /// <summary>The trait that carries the run that clustered the profile.</summary>
    public const string RunTrait = "cluster_run";

    public override string Kind => "cluster";

    protected override OperationProblem? Validate(ClusterParameters p)
    {
        var features = p.FeatureNames;
        if (features.Count == 0) return OperationProblem.Invalid("parameters.traits", "name at least one trait or computed trait as a feature");
        if (features.Count > ClusteringLimits.MaxFeatures) return OperationProblem.Invalid("parameters.traits", $"at most {ClusteringLimits.MaxFeatures} features");
        if (features.Any(f => string.IsNullOrWhiteSpace(f) || f.Length > 200)) return OperationProblem.Invalid("parameters.traits", "names must be 1 to 200 characters");
        if (features.Distinct(StringComparer.Ordinal).Count() != features.Count) return OperationProblem.Invalid("parameters.traits", "a feature is named twice");
        foreach (var name in p.Computed ?? [])
        {
            if (!ComputedValues.IsKnown(name) && !ClusterParameters.DerivedComputed.Contains(name))
                return OperationProblem.Invalid("parameters.computed", $"'{name}' is not a computed trait: {string.Join(", ", [.. ComputedValues.Names, .. ClusterParameters.DerivedComputed])}");
        }
        if (p.K is int k && (k < 2 || k > ClusteringLimits.MaxK)) return OperationProblem.Invalid("parameters.k", $"must be between 2 and {ClusteringLimits.MaxK}");
        if (p.K is null && (p.MinK < 2 || p.MaxK > ClusteringLimits.MaxK || p.MinK > p.MaxK))
            return OperationProblem.Invalid("parameters.minK", $"minK and maxK must be between 2 and {ClusteringLimits.MaxK}, minK ≤ maxK");
        if (p.Pca is int pca && (pca < 1 || pca > features.Count)) return OperationProblem.Invalid("parameters.pca", $"must be between 1 and the number of features ({features.Count})");
        if (p.Restarts is < 1 or > ClusteringLimits.MaxRestarts) return OperationProblem.Invalid("parameters.restarts", $"must be between 1 and {ClusteringLimits.MaxRestarts}");
        if (p.MaxIterations is < 1 or > ClusteringLimits.MaxIterations) return OperationProblem.Invalid("parameters.maxIterations", $"must be between 1 and {ClusteringLimits.MaxIterations}");
        if (!(p.Tolerance is >= 0 and <= 1)) return OperationProblem.Invalid("parameters.tolerance", "must be between 0 and 1");
        if (p.MinSize is < 0 or > 10_000_000) return OperationProblem.Invalid("parameters.minSize", "must be between 0 and 10000000");
        if (p.SegmentPrefix.Length > 100) return OperationProblem.Invalid("parameters.segmentPrefix", "must be at most 100 characters");
        if (!p.Publish && p.ParentSegment is not null) return OperationProblem.Invalid("parameters.parentSegment", "applies only with publish");
        return null;
    }

    protected override async Task<OperationResult<AnalyticsOutput>> RunAsync(ClusterParameters parameters, AnalyticsRequest request, IProgress<AnalyticsProgress> progress,
        CancellationToken ct)
    {
        progress.Report(new AnalyticsProgress("reading profiles", 0));
        var read = await ReadAsync(parameters, request.AsOf, ct);
        if (!read.Succeeded) return read.Problem!;
        var (matrix, skipped) = read.Value;
        var options = parameters.ToOptions();
        try
        {
            options.Validate(matrix.Rows, matrix.Columns);
        }
        catch (ArgumentException ex)
        {
            return OperationProblem.Invalid(parameters.K is null ? "parameters.maxK" : "parameters.k", $"{ex.Message} ({skipped} profiles lacked a feature)");
        }
        var analysis = await Task.Run(() => ClusterAnalysis.Run(matrix, options,
            new Progress(p => progress.Report(new AnalyticsProgress(p.Step, 0.1 + 0.7 * p.Done / p.Total))), ct), ct);

        var published = new List<PublishedSegment>();
        if (parameters.Publish)
        {
            progress.Report(new AnalyticsProgress("publishing segments", 0.8));
            var outcome = await PublishAsync(parameters, analysis, published, ct);
            if (outcome is not null) return outcome;
        }
        progress.Report(new AnalyticsProgress("writing traits", 0.85));
        var traits = Enumerable.Range(0, matrix.Rows).Select(i => new ProfileScores(matrix.Ids[i],
            new Dictionary<string, object?> { [ClusterTrait] = analysis.NameOf(i), [RunTrait] = request.RunId }));
        var written = await scores.WriteAsync(Kind, request.RunId, Model(parameters, analysis), traits, ct);
        progress.Report(new AnalyticsProgress("done", 1));

        var result = ClusterSummary.ToJson(analysis, skipped, published);
        var artifacts = ClusterCharts.All(analysis).Select(c => new AnalyticsArtifact(c.FileName, Tailor.Analytics.Charts.Chart.SvgMediaType, c.Bytes())).ToList();
        return new AnalyticsOutput(result, artifacts, written.Profiles);
    }

    private static string Model(ClusterParameters p, ClusterAnalysisResult analysis) =>
        string.Create(CultureInfo.InvariantCulture, $"{(p.Method == ClusterMethod.Ward ? "ward" : "kmeans")} k={analysis.K} on {string.Join(",", analysis.Features)}");

    private async Task<OperationResult<(FeatureMatrix Matrix, long Skipped)>> ReadAsync(ClusterParameters parameters, DateTimeOffset asOf, CancellationToken ct)
    {
        var traits = parameters.Traits ?? [];
        var computed = parameters.Computed ?? [];
        var ids = new List<string>();
        var values = new List<double>();
        var row = new double[traits.Length + computed.Length];
        long skipped = 0;
        await foreach (var profile in store.ReadProfilesAsync(ct))
        {
            if (!Features(profile, traits, computed, asOf, row))
            {
                skipped++;
                continue;
            }
            if (ids.Count == ClusteringLimits.MaxRows)
                return OperationProblem.Invalid("parameters.traits", $"more than {ClusteringLimits.MaxRows} profiles have these features; clustering is limited to that many");
            ids.Add(profile.Id);
            values.AddRange(row);
        }
        if (ids.Count < 3) return OperationProblem.Invalid("parameters.traits", $"only {ids.Count} profiles have every feature ({skipped} lack one); at least 3 are needed");
        return (new FeatureMatrix(ids, parameters.FeatureNames, [.. values]), skipped);
    }

    // Fills row with the profile's features; false when one is missing or not a finite number.
    private static bool Features(ProfileFeatures profile, string[] traits, string[] computed, DateTimeOffset asOf, double[] row)
    {
        for (int t = 0; t < traits.Length; t++)
        {
            if (!profile.Traits.TryGetValue(traits[t], out var value) || Number(value) is not double number) return false;
            row[t] = number;
        }
        for (int c = 0; c < computed.Length; c++)
        {
            double? number = computed[c] switch
            {
                "daysSinceLastOrder" => DaysSince(profile.Computed.LastOrderAt, asOf),
                "daysSinceLastSeen" => DaysSince(profile.Computed.LastSeen, asOf),
                var name => ComputedValues.Get(profile.Computed, name) is decimal d ? (double)d : null,
            };
            if (number is not double n || !double.IsFinite(n)) return false;
            row[traits.Length + c] = n;
        }
        return true;
    }

    private static double? DaysSince(DateTimeOffset? at, DateTimeOffset asOf) => at is { } t ? Math.Max(0, Math.Floor((asOf - t).TotalDays)) : null;

    private static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) => d,
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) => d,
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => null,
    };

    private async Task<OperationProblem?> PublishAsync(ClusterParameters parameters, ClusterAnalysisResult analysis, List<PublishedSegment> published, CancellationToken ct)
    {
        // The engine's catalog may be older than the store (a CLI session); segments are found by name in it.
        await engine.ReloadAsync(ct);
        foreach (var profile in analysis.Profiles)
        {
            var name = parameters.SegmentPrefix + profile.Name;
            if (profile.Size < parameters.MinSize)
            {
                published.Add(new PublishedSegment(name, profile.Cluster, profile.Size, null, $"smaller than minSize ({parameters.MinSize})"));
                continue;
            }
            var rule = new TraitIs(ClusterTrait, Comparison.Of(Operator.Equal, Literal.Of(profile.Name)));
            var saved = await segments.SaveByNameAsync(new SegmentInput(name, rule, parameters.ParentSegment, parameters.MinSize), ct);
            if (!saved.Succeeded)
                return saved.Problem!.Field == "parent" ? OperationProblem.Invalid("parameters.parentSegment", saved.Problem.Rule) : saved.Problem;
            published.Add(new PublishedSegment(name, profile.Cluster, profile.Size, saved.Value!.Segment.Id, saved.Value.Created ? "created" : "updated"));
        }
        return null;
    }

    private sealed class Progress(Action<ClusterProgress> report) : IProgress<ClusterProgress>
    {
        public void Report(ClusterProgress value) => report(value);
    }
}
