using Tailor.Core.Content;

namespace Tailor.Server.Content;

/// <summary>A saved template: its Liquid body and optional email subject, both parsed.</summary>
public sealed record StoredTemplate(string Name, string Body, string? Subject, ParsedTemplate Parsed, ParsedTemplate ParsedSubject,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
