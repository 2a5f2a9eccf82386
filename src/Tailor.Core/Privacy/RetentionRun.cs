namespace Tailor.Core.Privacy;

/// <summary>The last run of event retention, shown on the pipeline status.</summary>
/// <param name="Deleted">Events it deleted.</param>
/// <param name="Error">Why it failed, when it did (it runs again at the next tick).</param>
public sealed record RetentionRun(DateTimeOffset At, long Deleted, string? Error);
