namespace Tailor.Client;

/// <summary>A refused field and the rule it broke (and, in a batch, the message's index).</summary>
public sealed record FieldError(string Field, string Rule, int? Index = null);
