namespace Tailor.Server.Pipeline;

/// <summary>How much a follower step takes on.</summary>
public enum StepMode
{
    /// <summary>A normal batch.</summary>
    Batch,

    /// <summary>Only the next item: the host is looking for the item that makes batches fail.</summary>
    One,
}
