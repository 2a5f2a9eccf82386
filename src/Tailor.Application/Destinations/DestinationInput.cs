using Tailor.Core.Destinations;

namespace Tailor.Application.Destinations;

/// <summary>What a client sends to create or replace a destination.</summary>
public sealed record DestinationInput(string? Name, string? Kind, DestinationSettings? Settings, bool? Paused = null);
