namespace Tailor.Core.Pipeline;

/// <summary>
/// A test seam: the background stages call it before they process each item, so a fault-injection test can make
/// one chosen item fail (by throwing) and show that the stage sets it aside and moves on. Production registers none.
/// </summary>
public interface IStageProbe
{
    /// <param name="stage">The stage (follower name), e.g. <c>profiles</c>.</param>
    /// <param name="key">The item, as its dead letter will name it (e.g. an event sequence).</param>
    void BeforeItem(string stage, string key);
}
