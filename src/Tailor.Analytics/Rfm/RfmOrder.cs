namespace Tailor.Analytics.Rfm;

/// <summary>One order of one customer: who, when, how much revenue, and the order's id (orders are counted by distinct id).</summary>
public readonly record struct RfmOrder(string CustomerId, DateTimeOffset Time, double Amount, string OrderId);
