namespace Tailor.Core.Profiles;

/// <summary>
/// The parts of a profile a reader needs beyond its id and times: segment evaluation reads and parses only those its
/// rules name (a rule on one computed trait need not parse, or decrypt, the traits). Not to be cast to or from
/// <see cref="Segments.Evaluation.ProfileInputs"/> (what an event can change), whose bits differ.
/// </summary>
[Flags]
public enum ProfileParts
{
    None = 0,
    Traits = 1,
    Computed = 2,
    Consent = 4,
    Tags = 8,
    All = Traits | Computed | Consent | Tags,
}
