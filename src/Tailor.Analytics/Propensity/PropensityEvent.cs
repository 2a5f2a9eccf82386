namespace Tailor.Analytics.Propensity;

/// <summary>One event of a profile's history, as the feature builder reads it: plain values, so the builder is pure.</summary>
/// <param name="ProfileId">The resolved profile the event belongs to.</param>
/// <param name="Name">The track event's name (<c>Order Completed</c>, <c>Product Viewed</c>, …).</param>
/// <param name="Time">When it happened.</param>
/// <param name="Revenue">The order's revenue for order events (0 when absent); ignored for other events.</param>
public readonly record struct PropensityEvent(string ProfileId, string Name, DateTimeOffset Time, double Revenue);
