namespace Tailor.Core.Experiments;

/// <summary>A stored experiment: its definition, status and when it started and stopped.</summary>
public sealed record Experiment(ExperimentDefinition Definition, ExperimentStatus Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt = null, DateTimeOffset? StoppedAt = null)
{
    public string Key => Definition.Key;
}
