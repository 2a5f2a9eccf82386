namespace Tailor.Application.Segments;

/// <summary>
/// The pairwise overlap of a few chosen segments: <see cref="Common"/>[i][j] members in both (the diagonal is each
/// segment's size) and <see cref="Jaccard"/>[i][j] = common / union (1 on the diagonal; 0 when both are empty).
/// </summary>
/// <param name="Ids">The segments' ids, in the order asked.</param>
/// <param name="Names">Their names, in the same order.</param>
public sealed record SegmentOverlapMatrix(IReadOnlyList<string> Ids, IReadOnlyList<string> Names, IReadOnlyList<long> Sizes,
    IReadOnlyList<IReadOnlyList<long>> Common, IReadOnlyList<IReadOnlyList<double>> Jaccard)
{
    /// <summary>The most segments one matrix compares (the pairs grow with the square; the query reads every member of each).</summary>
    public const int MaxSegments = 12;
}
