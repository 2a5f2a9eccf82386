namespace Tailor.Application.Sources;

/// <summary>What one pull run did.</summary>
/// <param name="Rows">Rows read.</param>
/// <param name="Appended">Events new to the log.</param>
/// <param name="SetAside">Rows set aside as dead letters (not mapped, not valid).</param>
/// <param name="Committed">False when another run moved the cursor first: this one committed nothing.</param>
/// <param name="More">The batch was full: more rows may be waiting, so the source is due again at once.</param>
public sealed record PullOutcome(int Rows, int Appended, int SetAside, bool Committed, bool More);
