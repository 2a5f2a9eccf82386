using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Core.Pipeline;

/// <summary>
/// Reads the event log in order and folds each event into its profile. Each batch is committed together with the
/// log position, so a crash between batches loses nothing and a restart never applies an event twice.
/// One pipeline runs per store.
/// </summary>
public sealed class ProfilePipeline(ITailorStore store, ProfileReducer reducer, TimeProvider time, Func<string> newProfileId, int batchSize = ProfilePipeline.DefaultBatchSize)
{
    /// <summary>Events per commit: small enough that a commit holds a single-writer store for tens of milliseconds.</summary>
    public const int DefaultBatchSize = 500;

    private long? _position;

    /// <summary>Raised after each committed batch with the profiles it changed (merged-away ones included).</summary>
    public event Action<IReadOnlyList<Profile>>? ProfilesChanged;

    public async Task<long> PositionAsync(CancellationToken cancellationToken) =>
        _position ??= await store.PipelinePositionAsync(cancellationToken);

    /// <summary>Processes one batch; returns how many events it applied (0 when caught up).</summary>
    public async Task<int> ProcessNextBatchAsync(CancellationToken cancellationToken)
    {
        var position = await PositionAsync(cancellationToken);
        var logged = await store.ReadAfterAsync(position, batchSize, cancellationToken);
        if (logged.Count == 0) return 0;

        var views = new EventView[logged.Count];
        for (var i = 0; i < logged.Count; i++) views[i] = EventView.Parse(logged[i]);

        var owners = await store.LoadOwnersAsync(ProfileBatch.IdentitiesOf(views), cancellationToken);
        var batch = new ProfileBatch(owners, reducer, newProfileId, time.GetUtcNow());
        foreach (var view in views) batch.Apply(view);

        var changes = batch.ToChangeSet(logged[^1].Sequence) with { StartPosition = position };
        try
        {
            await store.CommitAsync(changes, cancellationToken);
        }
        catch (PipelineConflictException)
        {
            _position = null; // another pipeline got there first: re-read the position and go on from there
            return logged.Count;
        }
        _position = changes.Position;
        ProfilesChanged?.Invoke(changes.Profiles);
        return logged.Count;
    }

    /// <summary>Processes until the log has nothing more; returns the number of events applied.</summary>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        int applied;
        while ((applied = await ProcessNextBatchAsync(cancellationToken)) > 0) total += applied;
        return total;
    }
}
