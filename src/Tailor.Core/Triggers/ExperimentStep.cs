namespace Tailor.Core.Triggers;

/// <summary>
/// A step under test (docs/experiments.md, "Journeys under test"): when an experiment runs on the trigger, the run
/// takes its profile's arm (the same deterministic, sticky assignment as <c>/v1/personalize</c>) and goes where the
/// arm's <c>value</c> points (a later step's id, <c>next</c> or <c>exit</c>); the exposure is logged. A profile in no
/// experiment (none running, outside the audience) and the holdout go to <paramref name="Otherwise"/>.
/// </summary>
public sealed record ExperimentStep(string Id, string Otherwise) : JourneyStep(Id);
