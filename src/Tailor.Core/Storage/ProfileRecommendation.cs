namespace Tailor.Core.Storage;

/// <summary>One precomputed recommendation: <paramref name="Item"/> for <paramref name="ProfileId"/> with the model's score.</summary>
public sealed record ProfileRecommendation(string ProfileId, string Item, double Score);
