using Tailor.Core.Storage;

namespace Tailor.Application.Content;

/// <summary>A content document as saved, and whether the save created it (rather than replacing one).</summary>
public sealed record SavedContent(ContentDocument Document, bool Created);
