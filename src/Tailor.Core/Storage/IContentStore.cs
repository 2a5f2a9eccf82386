using System.Text.Json;

namespace Tailor.Core.Storage;

/// <summary>
/// Content definitions — templates, blocks, placements, segment values — each kept as one JSON document under its
/// kind and name; and the recent events that popular-item recommendations are counted from.
/// </summary>
public interface IContentStore
{
    Task<IReadOnlyList<ContentDocument>> ListContentAsync(string kind, CancellationToken cancellationToken);

    Task<ContentDocument?> GetContentAsync(string kind, string name, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces a document; with <paramref name="createOnly"/> an existing one is left alone and false returned.</summary>
    Task<bool> SaveContentAsync(ContentDocument document, bool createOnly, CancellationToken cancellationToken);

    /// <returns>False when there was no such document.</returns>
    Task<bool> DeleteContentAsync(string kind, string name, CancellationToken cancellationToken);

    /// <summary>The payloads of the newest <paramref name="limit"/> track events named one of <paramref name="names"/>, newest first.</summary>
    Task<IReadOnlyList<JsonElement>> RecentTrackEventsAsync(IReadOnlyCollection<string> names, int limit, CancellationToken cancellationToken);
}

/// <summary>One stored content definition. <see cref="Kind"/> is one of <see cref="ContentKinds"/>.</summary>
public sealed record ContentDocument(string Kind, string Name, string Json, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class ContentKinds
{
    public const string Template = "template";
    public const string Block = "block";
    public const string Placement = "placement";
    public const string SegmentValues = "segment_values";
}
