namespace Tailor.Application.Access;

/// <summary>
/// What an admin key may do (docs/security.md). A key holds one or more scopes, written as OAuth writes them:
/// space-separated. <see cref="Admin"/> may do everything; every other scope opens one area of the API.
/// </summary>
public static class AdminScopes
{
    public const string ProfilesRead = "profiles:read";
    public const string Segments = "segments";
    public const string Triggers = "triggers";
    public const string Content = "content";
    public const string Send = "send";
    public const string Analytics = "analytics";
    public const string Privacy = "privacy";
    public const string Admin = "admin";

    /// <summary>Every scope, in the order the docs list them.</summary>
    public static readonly IReadOnlyList<string> All = [ProfilesRead, Segments, Triggers, Content, Send, Analytics, Privacy, Admin];

    /// <summary>The canonical scope string for <paramref name="scopes"/> (each known, no repeats, in <see cref="All"/>'s order); <c>admin</c> when none are given.</summary>
    public static OperationResult<string> Parse(IEnumerable<string>? scopes)
    {
        var given = scopes?.SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList() ?? [];
        if (given.Count == 0) return Admin;
        if (given.FirstOrDefault(s => !All.Contains(s)) is { } unknown)
            return OperationProblem.Invalid("scopes", $"must each be one of {string.Join(", ", All)} ('{Trim(unknown)}' is not)");
        return string.Join(' ', All.Where(given.Contains));
    }

    /// <summary>Whether a key with <paramref name="scopes"/> (a stored scope string) may act in <paramref name="required"/>.</summary>
    public static bool Allows(string scopes, string required)
    {
        foreach (var range in scopes.AsSpan().Split(' '))
        {
            var scope = scopes.AsSpan()[range];
            if (scope.SequenceEqual(Admin) || scope.SequenceEqual(required)) return true;
        }
        return false;
    }

    private static string Trim(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
