namespace Tailor.Core.Storage;

/// <summary>The names under which the followers of the log keep their positions.</summary>
public static class Followers
{
    /// <summary>The profile pipeline: the sequence of the last event folded into profiles.</summary>
    public const string Profiles = "profiles";

    /// <summary>The segment engine: the sequence of the last assigned event evaluated.</summary>
    public const string Segments = "segments";

    /// <summary>
    /// The identity stage of a fold split by profile key (docs/scale.md): the sequence of the last event resolved to
    /// its profile. The fold's partitions read up to it.
    /// </summary>
    public const string Identities = "identities";

    /// <summary>What every partition of a split fold is named with (<see cref="ProfilePartition"/>).</summary>
    public const string ProfilePartitionPrefix = "profiles/";

    /// <summary>Partition <paramref name="index"/> of a fold split by profile key: the sequence up to which it has reduced its profiles' events.</summary>
    public static string ProfilePartition(int index) => ProfilePartitionPrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
