using System.Text;
using System.Text.Json;
using Tailor.Analytics.Recommendations;
using Tailor.Core.Analytics;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Recommendations;

/// <summary>
/// Kind <c>recommend</c>: reads product views, adds and orders (as of the run's moment) as weighted interactions, chooses
/// the model by the offline evaluation (or takes the one asked for), trains it on everything, and precomputes each
/// profile's top-N (items already bought excluded; completed by content-based scores over categories, then popularity)
/// and each item's nearest neighbours (item-kNN cosine), then serves them (promotes the run). Profiles without
/// <c>personalization</c> consent (<see cref="ProfilingConsent"/>) are left out of the training data and get no list.
/// </summary>
public sealed class RecommendationJob(IAnalyticsStore events, IRecommendationStore store) : AnalyticsJob<RecommendParameters>
{
    /// <summary>More interactions than this fail the run: the matrix is held in memory.</summary>
    public const int MaxInteractions = 20_000_000;
    private static readonly string[] Models = ["auto", .. RecommenderSettings.Models];

    public override string Kind => RecommendationKinds.Recommend;

    protected override OperationProblem? Validate(RecommendParameters p) =>
        !Models.Contains(p.Model) ? OperationProblem.Invalid("parameters.model", $"must be one of {string.Join(", ", Models)}")
        : p.Top is < 1 or > 200 ? OperationProblem.Invalid("parameters.top", "must be between 1 and 200")
        : p.Related is < 1 or > 100 ? OperationProblem.Invalid("parameters.related", "must be between 1 and 100")
        : p.Neighbours < 1 || p.Neighbours > RecommenderSettings.MaxNeighbours ? OperationProblem.Invalid("parameters.neighbours", $"must be between 1 and {RecommenderSettings.MaxNeighbours}")
        : !(p.EaseLambda > 0 && p.EaseLambda <= 1e6) ? OperationProblem.Invalid("parameters.easeLambda", "must be greater than 0 and at most 1000000")
        : p.Factors < 1 || p.Factors > AlsOptions.MaxFactors ? OperationProblem.Invalid("parameters.factors", $"must be between 1 and {AlsOptions.MaxFactors}")
        : !(p.Regularization >= 0 && p.Regularization <= 1e4) ? OperationProblem.Invalid("parameters.regularization", "must be between 0 and 10000")
        : !(p.Alpha >= 0 && p.Alpha <= 1e4) ? OperationProblem.Invalid("parameters.alpha", "must be between 0 and 10000")
        : p.Iterations < 1 || p.Iterations > AlsOptions.MaxIterations ? OperationProblem.Invalid("parameters.iterations", $"must be between 1 and {AlsOptions.MaxIterations}")
        : !Weight(p.ViewWeight) ? OperationProblem.Invalid("parameters.viewWeight", "must be between 0 and 1000")
        : !Weight(p.AddWeight) ? OperationProblem.Invalid("parameters.addWeight", "must be between 0 and 1000")
        : !Weight(p.PurchaseWeight) ? OperationProblem.Invalid("parameters.purchaseWeight", "must be between 0 and 1000")
        : p.ViewWeight + p.AddWeight + p.PurchaseWeight <= 0 ? OperationProblem.Invalid("parameters.purchaseWeight", "at least one weight must be above 0")
        : null;

    private static bool Weight(double w) => w >= 0 && w <= 1000;

    protected override async Task<OperationResult<AnalyticsOutput>> RunAsync(RecommendParameters p, AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct)
    {
        var weights = new InteractionWeights(p.ViewWeight, p.AddWeight, p.PurchaseWeight);
        var settings = new RecommenderSettings(p.Neighbours, p.EaseLambda, new AlsOptions(p.Factors, p.Regularization, p.Alpha, p.Iterations, p.Seed));
        var catalogue = new ProductCatalogue();
        var interactions = new List<Interaction>();
        var bought = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        progress.Report(new("reading product events", 0));
        await foreach (var e in events.ReadTracksAsync([.. ProductCatalogue.EventNames], request.AsOf, ct))
        {
            var weight = weights.For(e.Name);
            foreach (var item in catalogue.Read(e))
            {
                if (weight > 0) interactions.Add(new Interaction(e.ProfileId, item, e.Timestamp, weight));
                if (e.Name != "Order Completed") continue;
                if (!bought.TryGetValue(e.ProfileId, out var own)) bought[e.ProfileId] = own = new HashSet<string>(StringComparer.Ordinal);
                own.Add(item);
            }
            if (interactions.Count > MaxInteractions) throw new InvalidOperationException($"more than {MaxInteractions} interactions: the matrix would not fit in memory");
        }
        progress.Report(new("checking consent", 0.04));
        var consenting = await ProfilingConsent.ConsentingAsync(events, interactions.Select(i => i.User), ct);
        var excluded = interactions.RemoveAll(i => !consenting.Contains(i.User));
        if (interactions.Count == 0)
            return new AnalyticsOutput(JsonSerializer.SerializeToElement(new { interactions = 0, note = "no Product Viewed, Product Added or Order Completed events with a product id before the as-of moment: nothing to learn, nothing served" }), []);

        var matrix = InteractionMatrix.From(interactions);
        var model = p.Model;
        EvaluationReport? evaluation = null;
        if (model == "ease" && matrix.ItemCount > EaseRecommender.MaxItems)
            return OperationProblem.Invalid("parameters.model", $"ease holds an items × items matrix: {matrix.ItemCount} items is more than {EaseRecommender.MaxItems}; use als or auto");
        if (model == "auto")
        {
            List<string> candidates = matrix.ItemCount <= EaseRecommender.MaxItems ? ["item-knn", "ease", "als"] : ["item-knn", "als"];
            evaluation = OfflineEvaluation.Run(interactions, candidates, settings, report: (stage, f) => progress.Report(new($"evaluating: {stage}", 0.05 + 0.55 * f)), ct: ct);
            model = evaluation.Winner;
        }

        progress.Report(new($"training {model}", 0.6));
        var popularity = new PopularityRecommender(matrix);
        var trained = model == "popularity" ? popularity : settings.Train(model, matrix, ct);
        var knn = trained as ItemKnnRecommender ?? ItemKnnRecommender.Train(matrix, p.Neighbours, ct);
        var attributes = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        foreach (var item in matrix.Items)
            if (catalogue.CategoryOf(item) is { } category) attributes[item] = ["category=" + category];
        List<IRecommender> chain = [trained];
        if (attributes.Count > 0) chain.Add(new ContentRecommender(matrix, attributes));
        if (trained != popularity) chain.Add(popularity);

        progress.Report(new("recommending per profile", 0.8));
        var lists = new ProfileRecommendation[matrix.UserCount][];
        Parallel.For(0, matrix.UserCount, new ParallelOptions { CancellationToken = ct }, () => new double[matrix.ItemCount], (u, _, scratch) =>
        {
            var user = matrix.Users[u];
            var exclude = bought.TryGetValue(user, out var own) ? own.Select(matrix.IndexOfItem).ToArray() : [];
            lists[u] = [.. Recommend.ForUser(u, p.Top, matrix, chain, scratch, exclude: exclude).Select(s => new ProfileRecommendation(user, matrix.Items[s.Item], s.Score))];
            return scratch;
        }, _ => { });
        var neighbours = new List<ItemNeighbour>();
        for (var i = 0; i < matrix.ItemCount; i++)
        {
            var near = knn.Neighbours.Of(i);
            var sims = knn.Neighbours.ScoresOf(i);
            for (var n = 0; n < Math.Min(p.Related, near.Length); n++) neighbours.Add(new ItemNeighbour(matrix.Items[i], matrix.Items[near[n]], sims[n]));
        }
        var profiles = lists.SelectMany(l => l).ToList();

        progress.Report(new("storing", 0.9));
        await store.PromoteAsync(new RecommendationSnapshot(request.RunId, Kind, model, request.AsOf, [.. catalogue.Items(matrix.Items)], neighbours, profiles), ct);
        progress.Report(new("done", 1));
        var result = new
        {
            model,
            chosenBy = evaluation is null ? "parameter" : "offline evaluation",
            reason = evaluation?.Reason,
            profiles = matrix.UserCount,
            items = matrix.ItemCount,
            interactions = interactions.Count,
            interactionsWithoutConsent = excluded,
            recommendationsStored = profiles.Count,
            neighboursStored = neighbours.Count,
            evaluation,
        };
        IReadOnlyList<AnalyticsArtifact> artifacts = evaluation is null ? [] : [new AnalyticsArtifact("evaluation.svg", "image/svg+xml", Encoding.UTF8.GetBytes(EvaluationChart.Svg(evaluation)))];
        return new AnalyticsOutput(JsonSerializer.SerializeToElement(result, ResultJson.Options), artifacts, Promoted: true);
    }
}
