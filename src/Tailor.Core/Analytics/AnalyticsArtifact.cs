namespace Tailor.Core.Analytics;

/// <summary>A file kept with an analytics run: a chart (<c>image/svg+xml</c>, <c>image/png</c>) or a trained model.</summary>
/// <param name="Name">Unique within the run, e.g. <c>elbow.svg</c>, <c>model.zip</c>.</param>
public sealed record AnalyticsArtifact(string Name, string MediaType, byte[] Content);
