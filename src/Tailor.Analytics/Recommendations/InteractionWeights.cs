namespace Tailor.Analytics.Recommendations;

/// <summary>
/// How strong each kind of implicit signal is: a view says less than an add to cart, which says less than a purchase.
/// Defaults: view 1, add 3, purchase 5. The matrix sums the weights of every interaction of a user with an item.
/// </summary>
public sealed record InteractionWeights(double View = 1.0, double Add = 3.0, double Purchase = 5.0)
{
    public static InteractionWeights Default { get; } = new();

    /// <summary>The weight of a <c>Product Viewed</c>, <c>Product Added</c> or <c>Order Completed</c> event; 0 for other names.</summary>
    public double For(string eventName) => eventName switch
    {
        "Product Viewed" => View,
        "Product Added" => Add,
        "Order Completed" => Purchase,
        _ => 0,
    };
}
