namespace Tailor.Application.Content;

/// <summary>What the store keeps for a template.</summary>
public sealed record TemplateDocument(string? Body, string? Subject);
