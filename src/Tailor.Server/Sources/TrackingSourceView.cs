using Tailor.Core.Sources;
using Tailor.Core.Storage;

namespace Tailor.Server.Sources;

/// <summary>A write-key source of the tracking API as <c>GET /api/sources</c> lists it, beside the connector sources.</summary>
public sealed record TrackingSourceView(string Id, string Name, string Kind, string WriteKey, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static TrackingSourceView Of(Source source) => new(source.Id, source.Name, SourceKinds.Tracking, source.WriteKey, source.CreatedAt, source.RevokedAt);
}
