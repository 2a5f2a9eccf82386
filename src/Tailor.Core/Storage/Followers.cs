namespace Tailor.Core.Storage;

/// <summary>The names under which the followers of the log keep their positions.</summary>
public static class Followers
{
    /// <summary>The profile pipeline: the sequence of the last event folded into profiles.</summary>
    public const string Profiles = "profiles";

    /// <summary>The segment engine: the sequence of the last assigned event evaluated.</summary>
    public const string Segments = "segments";
}
