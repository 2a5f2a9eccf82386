namespace Tailor.Client;

/// <summary>A stored Liquid template.</summary>
public sealed record Template(string Name, string Body, string? Subject, IReadOnlyList<string> Blocks, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
