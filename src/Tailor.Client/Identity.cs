namespace Tailor.Client;

/// <summary>One identity of a profile (<c>userId</c>, <c>anonymousId</c>, <c>email</c>, …).</summary>
public sealed record Identity(string Type, string Value);
