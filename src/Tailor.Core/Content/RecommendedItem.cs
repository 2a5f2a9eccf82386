namespace Tailor.Core.Content;

/// <summary>One item to recommend: until the analytics issue lands, a popular product (most ordered, then most viewed).</summary>
public sealed record RecommendedItem(string Id, string? Name, decimal? Price, string? Url, string? ImageUrl, long Orders, long Views);
