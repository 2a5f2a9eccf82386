namespace Tailor.Core.TrackingPlans;

/// <summary>The expected <c>properties</c> of track events named <paramref name="EventName"/>, as a JSON Schema (draft 2020-12).</summary>
/// <param name="Schema">The schema's JSON text as it was saved.</param>
public sealed record EventSchema(string EventName, string Schema, DateTimeOffset UpdatedAt);
