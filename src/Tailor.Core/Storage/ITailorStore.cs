namespace Tailor.Core.Storage;

/// <summary>
/// Everything Tailor keeps, behind one contract with two implementations (SQLite and PostgreSQL) that pass the
/// same contract test suite.
/// </summary>
public interface ITailorStore : IEventLog, IProfileStore, IPositionStore, IAccessStore, ISegmentStore, IContactLog, IContentStore, ICampaignStore, ITriggerStore, IMergeStore, IDeadLetterStore, ITrackingPlanStore, IAsyncDisposable
{
    /// <summary>A short name of the backend, for logs and health output: <c>sqlite</c> or <c>postgres</c>.</summary>
    string Kind { get; }

    /// <summary>Applies pending schema migrations, in version order, each in its own transaction.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
