namespace Tailor.Application.Segments;

/// <summary>How much the members of two segments overlap (Jaccard); near-duplicates are candidates to merge.</summary>
public sealed record SegmentOverlap(string First, string Second, long Common, double Jaccard, bool NearDuplicate)
{
    /// <summary>Segments whose members overlap this much (Jaccard) are flagged as near-duplicates.</summary>
    public const double NearDuplicateJaccard = 0.9;
}
