namespace Tailor.Application.Content;

/// <summary>A place on a page or in an app where content is decided per request: it shows a block or a template.</summary>
public sealed record Placement(string Name, string? Block, string? Template, string? Description);
