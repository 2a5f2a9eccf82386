namespace Tailor.Core.Segments.Evaluation;

/// <summary>
/// The parts of a profile besides its events and computed traits that segment rules read and that folding one event
/// can change (see <see cref="EventInputs"/>): a segment reading none of them is not re-evaluated for an event that
/// cannot change them.
/// </summary>
[Flags]
public enum ProfileInputs
{
    None = 0,
    Traits = 1,
    Consent = 2,
    Tags = 4,
    All = Traits | Consent | Tags,
}
