namespace Tailor.Core.Sources;

/// <summary>Connector sources (shopify, webhook, postgres) and the cursors of their pulls (docs/connectors.md).</summary>
public interface ISourceStore
{
    /// <summary>Stores a new source; false when its name is taken.</summary>
    Task<bool> CreateSourceAsync(InboundSource source, CancellationToken cancellationToken);

    Task<InboundSource?> GetSourceAsync(string id, CancellationToken cancellationToken);

    Task<InboundSource?> FindSourceByNameAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every connector source, by name.</summary>
    Task<IReadOnlyList<InboundSource>> ListSourcesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a source's name, settings, secret and next pull (not its cursor nor its history); false when there is
    /// no such source (a taken name throws nothing: it is checked first by the caller, and the unique index refuses a race).
    /// </summary>
    Task<bool> UpdateSourceAsync(InboundSource source, CancellationToken cancellationToken);

    Task<bool> DeleteSourceAsync(string id, CancellationToken cancellationToken);

    /// <summary>Pauses or resumes; false when there is no such source.</summary>
    Task<bool> SetPausedAsync(string id, bool paused, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records what last went wrong with the source.</summary>
    Task RecordErrorAsync(string id, string error, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a due pull from <paramref name="dueAt"/> to <paramref name="leaseUntil"/>, only if it is still due at
    /// <paramref name="dueAt"/>: of several nodes, exactly one claims a run. A node that dies mid-run leaves the source
    /// due again at <paramref name="leaseUntil"/>.
    /// </summary>
    Task<bool> ClaimPullAsync(string id, DateTimeOffset dueAt, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Appends the run's events to the log (deduplicated by source and messageId) and moves the cursor, in one
    /// transaction; returns, per event, whether it was new — or null, committing nothing, when the cursor has moved
    /// since the run read it.
    /// </summary>
    Task<bool[]?> CommitPullAsync(PullCommit commit, CancellationToken cancellationToken);

    /// <summary>Events in the log from this source.</summary>
    Task<long> CountEventsAsync(string sourceId, CancellationToken cancellationToken);

    /// <summary>Stores a source's privacy settings (any kind, write-key sources included); null removes them.</summary>
    Task SavePrivacyAsync(string sourceId, SourcePrivacy? privacy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Every source's privacy settings, by source id.</summary>
    Task<IReadOnlyDictionary<string, SourcePrivacy>> PrivacyAsync(CancellationToken cancellationToken);
}
