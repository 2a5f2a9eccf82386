namespace Tailor.Core.Storage;

/// <summary>An item as a run last saw it (from the latest <c>Product Viewed</c> / <c>Order Completed</c> properties): what a template shows.</summary>
public sealed record CatalogueItem(string Id, string? Name, decimal? Price, string? Url, string? ImageUrl, string? Category, long Orders, long Views);
