namespace Tailor.Core.Destinations;

/// <summary>The kinds of destination (docs/connectors.md, "Destinations").</summary>
public static class DestinationKinds
{
    /// <summary>Events, profiles, memberships and sends as Parquet files partitioned by day, in a directory.</summary>
    public const string Parquet = "parquet";

    /// <summary>The same tables in a PostgreSQL schema, rows and position in one transaction of that database.</summary>
    public const string Postgres = "postgres";

    /// <summary>Selected events, mapped, re-sent in Segment's batch format to an HTTP endpoint.</summary>
    public const string Segment = "segment";

    /// <summary>A segment's entries and exits as add/remove lists of hashed identifiers, to a webhook.</summary>
    public const string Audience = "audience";

    /// <summary>A key for the live profile stream (<c>/v1/profiles/stream</c>); nothing is pushed by the follower.</summary>
    public const string Stream = "stream";

    public static readonly IReadOnlyList<string> All = [Parquet, Postgres, Segment, Audience, Stream];
}
