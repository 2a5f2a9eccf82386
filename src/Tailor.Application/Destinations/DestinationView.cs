using Tailor.Core.Destinations;

namespace Tailor.Application.Destinations;

/// <summary>
/// A destination as the API and CLI show it: secrets replaced by <see cref="DestinationOperations.Hidden"/>. A stream
/// destination's key is in <see cref="StreamKey"/> once, in the answer to its creation.
/// </summary>
public sealed record DestinationView(string Id, string Name, string Kind, DestinationSettings Settings, bool Paused, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? StreamKey = null);
