namespace Tailor.Analytics.Recommendations;

/// <summary>One implicit signal: <paramref name="User"/> showed interest in <paramref name="Item"/> at <paramref name="Time"/> with a strength (<paramref name="Weight"/>, e.g. 1 for a view, 5 for a purchase).</summary>
public readonly record struct Interaction(string User, string Item, DateTimeOffset Time, double Weight = 1.0);
