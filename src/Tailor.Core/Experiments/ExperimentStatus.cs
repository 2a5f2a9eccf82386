namespace Tailor.Core.Experiments;

/// <summary>Draft (editable, assigns nobody), running (assigns and logs exposures), stopped (assigns nobody; results stay readable).</summary>
public enum ExperimentStatus
{
    Draft,
    Running,
    Stopped,
}
