namespace Tailor.Core.Delivery;

/// <summary>
/// "At most <see cref="Max"/> contacts on <see cref="Channel"/> per <see cref="Per"/>", counted for one origin
/// (a trigger or campaign) or, when <see cref="Origin"/> is null, over every origin (a global cap per channel).
/// </summary>
public sealed record FrequencyCap(int Max, TimeSpan Per, string Channel, string? Origin = null)
{
    /// <summary>Why this cap is not valid, naming the field, or null.</summary>
    public string? Problem() =>
        Max < 1 ? "max must be at least 1"
        : Per <= TimeSpan.Zero ? "per must be a positive duration"
        : string.IsNullOrWhiteSpace(Channel) ? "channel is required"
        : null;

    public override string ToString() =>
        $"at most {Max} {Channel} per {Describe(Per)}{(Origin is null ? " across Tailor" : $" from {Origin}")}";

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? (span.TotalDays == 7 ? "week" : $"{span.TotalDays:0} days")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? $"{span.TotalHours:0} hours"
        : $"{span.TotalMinutes:0} minutes";
}
