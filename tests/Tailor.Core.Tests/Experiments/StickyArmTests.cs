using Tailor.Core.Experiments;

namespace Tailor.Core.Tests.Experiments;

/// <summary>When profiles merge, the earliest exposure's arm wins and a merge of different arms is a change.</summary>
public sealed class StickyArmTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_earliest_exposure_wins_and_a_different_arm_is_a_change()
    {
        var resolved = StickyArm.Resolve([new Exposure("e", "phone", "b", T0.AddMinutes(5)), new Exposure("e", "laptop", "a", T0)]);
        Assert.Equal(("laptop", "a", true), (resolved!.Value.Earliest.ProfileId, resolved.Value.Earliest.Arm, resolved.Value.Changed));
    }

    [Fact]
    public void The_same_arm_on_both_devices_is_no_change_and_ties_go_to_the_smaller_profile_id()
    {
        var resolved = StickyArm.Resolve([new Exposure("e", "p2", "a", T0), new Exposure("e", "p1", "a", T0)]);
        Assert.Equal(("p1", false), (resolved!.Value.Earliest.ProfileId, resolved.Value.Changed));
        Assert.Null(StickyArm.Resolve([]));
    }
}
