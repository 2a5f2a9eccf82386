namespace Tailor.Core.Destinations;

/// <summary>One configured destination: where data leaves Tailor to, and how.</summary>
/// <param name="Kind">One of <see cref="DestinationKinds"/>.</param>
/// <param name="Paused">A paused destination keeps its position; nothing is sent until it resumes.</param>
public sealed record Destination(
    string Id,
    string Name,
    string Kind,
    DestinationSettings Settings,
    bool Paused,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The position name of this destination's cursor over <paramref name="table"/> (<c>destination:&lt;id&gt;:&lt;table&gt;</c>).</summary>
    public string PositionName(string table) => $"destination:{Id}:{table}";
}
