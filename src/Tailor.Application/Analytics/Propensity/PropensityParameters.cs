namespace Tailor.Application.Analytics.Propensity;

/// <summary>
/// The parameters of a <c>propensity</c> run (JSON, camelCase; docs/analytics.md, "Propensity", states each default and bound).
/// </summary>
/// <param name="Target"><c>churn</c> or <c>next_purchase</c>.</param>
/// <param name="HorizonDays">The label window after the cutoff, in days.</param>
/// <param name="Cutoff">Where features end and labels begin; default the as-of moment minus the horizon.</param>
/// <param name="OrderEvent">The track event that is an order.</param>
/// <param name="RevenueProperty">The order property holding its revenue.</param>
/// <param name="Events">The other track events read for per-name counts (default: the Segment e-commerce spec's names).</param>
public sealed record PropensityParameters(
    string Target = "churn",
    int HorizonDays = 90,
    DateTimeOffset? Cutoff = null,
    string OrderEvent = "Order Completed",
    string RevenueProperty = "revenue",
    IReadOnlyList<string>? Events = null,
    int Folds = 5,
    int Seed = 42,
    int Iterations = 100,
    int Leaves = 15,
    double LearningRate = 0.1,
    int MinLeaf = 20)
{
    /// <summary>The track events read besides the order event when <see cref="Events"/> is not given: the Segment e-commerce spec's browsing and cart events.</summary>
    public static readonly IReadOnlyList<string> DefaultEvents =
    [
        "Products Searched", "Product List Viewed", "Product Viewed", "Product Clicked", "Product Added", "Product Removed",
        "Cart Viewed", "Checkout Started", "Coupon Applied", "Product Added to Wishlist", "Order Refunded", "Order Cancelled",
    ];

    /// <summary>At most this many event names may be given.</summary>
    public const int MaxEvents = 50;

    /// <summary>The event names read besides the order event.</summary>
    public IReadOnlyList<string> EventNames => Events ?? DefaultEvents;

    /// <summary>The first rule a value breaks, or null.</summary>
    public OperationProblem? Problem()
    {
        if (Target is not ("churn" or "next_purchase")) return OperationProblem.Invalid("parameters.target", "must be churn or next_purchase");
        if (HorizonDays is < 1 or > 730) return OperationProblem.Invalid("parameters.horizonDays", "must be between 1 and 730");
        if (string.IsNullOrWhiteSpace(OrderEvent) || OrderEvent.Length > 200) return OperationProblem.Invalid("parameters.orderEvent", "must be a non-empty event name of at most 200 characters");
        if (string.IsNullOrWhiteSpace(RevenueProperty) || RevenueProperty.Length > 200) return OperationProblem.Invalid("parameters.revenueProperty", "must be a non-empty property name of at most 200 characters");
        if (Events is { } names && (names.Count > MaxEvents || names.Any(n => string.IsNullOrWhiteSpace(n) || n.Length > 200)))
            return OperationProblem.Invalid("parameters.events", $"must be at most {MaxEvents} non-empty event names of at most 200 characters");
        if (Folds is < 2 or > 10) return OperationProblem.Invalid("parameters.folds", "must be between 2 and 10");
        if (Iterations is < 10 or > 1000) return OperationProblem.Invalid("parameters.iterations", "must be between 10 and 1000");
        if (Leaves is < 2 or > 256) return OperationProblem.Invalid("parameters.leaves", "must be between 2 and 256");
        if (!(LearningRate is >= 0.001 and <= 1)) return OperationProblem.Invalid("parameters.learningRate", "must be between 0.001 and 1");
        if (MinLeaf is < 1 or > 10_000) return OperationProblem.Invalid("parameters.minLeaf", "must be between 1 and 10000");
        return null;
    }
}
