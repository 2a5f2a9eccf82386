namespace Tailor.Core.Analytics;

/// <summary>Where a run is: queued (the API accepted it), running, succeeded or failed.</summary>
public enum AnalyticsRunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}
