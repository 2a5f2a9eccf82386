using System.Text.Json;
using Tailor.Core.Profiles;

namespace Tailor.Core.Analytics;

/// <summary>What analytics reads of one live profile: its traits (current values) and computed traits.</summary>
public sealed record ProfileFeatures(string Id, IReadOnlyDictionary<string, JsonElement> Traits, ComputedTraits Computed);
