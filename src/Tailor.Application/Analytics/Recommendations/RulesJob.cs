using System.Text.Json;
using Tailor.Analytics.Associations;
using Tailor.Core.Storage;

namespace Tailor.Application.Analytics.Recommendations;

/// <summary>
/// Kind <c>rules</c>: frequently bought together. Each <c>Order Completed</c> (as of the run's moment) is a basket of its
/// products; FP-Growth finds the frequent itemsets and the rules X ⇒ Y; the rules with a single item X are served as
/// that item's related items (each item of Y, strongest lift first), beside the model's neighbours.
/// </summary>
public sealed class RulesJob(IAnalyticsStore events, IRecommendationStore store) : AnalyticsJob<RulesParameters>
{
    public const int MaxBaskets = 5_000_000;

    public override string Kind => RecommendationKinds.Rules;

    protected override OperationProblem? Validate(RulesParameters p) =>
        Options(p).Problem() is { } problem ? OperationProblem.Invalid("parameters." + problem.Field, problem.Rule)
        : p.Related is < 1 or > 100 ? OperationProblem.Invalid("parameters.related", "must be between 1 and 100")
        : null;

    private static RuleOptions Options(RulesParameters p) => new(p.MinSupport, p.MinConfidence, p.MinLift, p.MinLength, p.MaxLength);

    protected override async Task<OperationResult<AnalyticsOutput>> RunAsync(RulesParameters p, AnalyticsRequest request, IProgress<AnalyticsProgress> progress, CancellationToken ct)
    {
        progress.Report(new("reading orders", 0));
        var catalogue = new ProductCatalogue();
        var baskets = new List<string[]>();
        await foreach (var e in events.ReadTracksAsync(["Order Completed"], request.AsOf, ct))
        {
            var basket = catalogue.Read(e).Distinct(StringComparer.Ordinal).ToArray();
            if (basket.Length > 0) baskets.Add(basket);
            if (baskets.Count > MaxBaskets) throw new InvalidOperationException($"more than {MaxBaskets} baskets");
        }
        progress.Report(new("mining rules", 0.3));
        var rules = baskets.Count == 0 ? [] : AssociationRules.Mine(baskets, Options(p), ct);
        var related = Related(rules, p.Related);
        progress.Report(new("storing", 0.8));
        var items = related.SelectMany(n => new[] { n.Item, n.Neighbour }).Distinct(StringComparer.Ordinal);
        await store.PromoteAsync(new RecommendationSnapshot(request.RunId, Kind, "rules", request.AsOf, [.. catalogue.Items(items)], related, []), ct);
        progress.Report(new("done", 1));
        var result = new
        {
            baskets = baskets.Count,
            rules = rules.Count,
            relatedStored = related.Count,
            strongest = rules.Take(50).Select(r => new { antecedent = r.Antecedent, consequent = r.Consequent, r.Support, r.Confidence, r.Lift }),
        };
        return new AnalyticsOutput(JsonSerializer.SerializeToElement(result, ResultJson.Options), [], Promoted: true);
    }

    /// <summary>For each single-item antecedent: the consequents' items, strongest lift first (then confidence), each once, at most <paramref name="perItem"/>.</summary>
    internal static List<ItemNeighbour> Related(IReadOnlyList<AssociationRule> rules, int perItem)
    {
        var related = new List<ItemNeighbour>();
        foreach (var group in rules.Where(r => r.Antecedent.Count == 1).GroupBy(r => r.Antecedent[0], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // Rules arrive strongest first (lift, confidence, support).
            foreach (var rule in group)
                foreach (var item in rule.Consequent)
                    if (seen.Count < perItem && seen.Add(item)) related.Add(new ItemNeighbour(group.Key, item, rule.Lift));
        }
        return related;
    }
}
