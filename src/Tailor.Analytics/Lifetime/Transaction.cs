namespace Tailor.Analytics.Lifetime;

/// <summary>One purchase: the customer, the day it happened on and the amount spent.</summary>
public readonly record struct Transaction(string CustomerId, DateOnly Date, double Amount);
