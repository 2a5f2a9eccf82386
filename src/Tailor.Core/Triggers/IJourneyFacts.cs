using Tailor.Core.Profiles;
using Tailor.Core.Segments.Rules;

namespace Tailor.Core.Triggers;

/// <summary>What a journey may read about its profile while it walks: the profile, and whether a rule holds at a moment.</summary>
public interface IJourneyFacts
{
    Profile Profile { get; }

    bool Matches(Rule rule, DateTimeOffset at);
}
