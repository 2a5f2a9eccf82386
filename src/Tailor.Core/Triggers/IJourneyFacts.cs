using Tailor.Core.Profiles;
using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Triggers;

/// <summary>What a journey may read about its profile while it walks: the profile, and whether a rule holds at a moment.</summary>
public interface IJourneyFacts
{
    Profile Profile { get; }

    bool Matches(Rule rule, DateTimeOffset at);

    /// <summary>The profile's arm of the experiment running on trigger <paramref name="trigger"/> (by name); null when it is in none.</summary>
    JourneyArm? ArmOf(string trigger) => null;
}
