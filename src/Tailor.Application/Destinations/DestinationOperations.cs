using Tailor.Core.Destinations;
using Tailor.Core.Storage;

namespace Tailor.Application.Destinations;

/// <summary>
/// The destination use cases behind <c>/api/destinations</c> and <c>tailor destinations</c>: create, list, get,
/// replace, delete, pause, resume and status. Settings are validated before anything is stored; secrets are never
/// answered in clear, and a replace that leaves a secret out (or sends <see cref="Hidden"/>) keeps the stored one.
/// </summary>
public sealed class DestinationOperations(IDestinationStore store, IPositionStore positions, IEventLog log, IDeadLetterStore deadLetters, IdSource ids, TimeProvider time)
{
    /// <summary>What a secret reads as in answers.</summary>
    public const string Hidden = "********";

    /// <summary>The dead-letter stage of every destination; the key starts with the destination id.</summary>
    public const string Stage = "destinations";

    public async Task<OperationResult<DestinationView>> CreateAsync(DestinationInput input, CancellationToken cancellationToken)
    {
        var settings = input.Settings ?? new DestinationSettings();
        string? streamKey = null;
        if (input.Kind == DestinationKinds.Stream)
        {
            streamKey = "sk_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
            settings = settings with { StreamKeyHash = AudienceIdentifiers.Sha256Hex(streamKey) };
        }
        if (DestinationRules.Validate(input.Name ?? "", input.Kind ?? "", settings) is { } error) return OperationProblem.Invalid(error);
        var now = time.GetUtcNow();
        var destination = new Destination(ids.New("dst"), input.Name!.Trim(), input.Kind!, settings, input.Paused ?? false, now, now);
        if (!await store.SaveDestinationAsync(destination, cancellationToken)) return OperationProblem.Conflict("name", $"a destination named \"{destination.Name}\" exists");
        return View(destination) with { StreamKey = streamKey };
    }

    public async Task<IReadOnlyList<DestinationView>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await store.ListDestinationsAsync(cancellationToken)).Select(View)];

    public async Task<OperationResult<DestinationView>> GetAsync(string id, CancellationToken cancellationToken) =>
        await store.GetDestinationAsync(id, cancellationToken) is { } d ? View(d) : Missing(id);

    /// <summary>The stored destination, secrets and all: for the drivers and the sample test, never for an answer.</summary>
    public Task<Destination?> FindAsync(string id, CancellationToken cancellationToken) => store.GetDestinationAsync(id, cancellationToken);

    public async Task<OperationResult<DestinationView>> UpdateAsync(string id, DestinationInput input, CancellationToken cancellationToken)
    {
        if (await store.GetDestinationAsync(id, cancellationToken) is not { } old) return Missing(id);
        if (input.Kind is not null && input.Kind != old.Kind) return OperationProblem.Invalid("kind", $"cannot change (is {old.Kind}); create a new destination instead");
        var given = input.Settings ?? old.Settings;
        var settings = given with
        {
            ConnectionString = Keep(given.ConnectionString, old.Settings.ConnectionString),
            WriteKey = Keep(given.WriteKey, old.Settings.WriteKey),
            Secret = Keep(given.Secret, old.Settings.Secret),
            StreamKeyHash = old.Settings.StreamKeyHash,
        };
        var name = input.Name ?? old.Name;
        if (DestinationRules.Validate(name, old.Kind, settings) is { } error) return OperationProblem.Invalid(error);
        var updated = old with { Name = name.Trim(), Settings = settings, Paused = input.Paused ?? old.Paused, UpdatedAt = time.GetUtcNow() };
        if (!await store.SaveDestinationAsync(updated, cancellationToken)) return OperationProblem.Conflict("name", $"a destination named \"{updated.Name}\" exists");
        return View(updated);
    }

    public async Task<OperationResult<DestinationView>> SetPausedAsync(string id, bool paused, CancellationToken cancellationToken)
    {
        if (await store.GetDestinationAsync(id, cancellationToken) is not { } old) return Missing(id);
        var updated = old with { Paused = paused, UpdatedAt = time.GetUtcNow() };
        await store.SaveDestinationAsync(updated, cancellationToken);
        return View(updated);
    }

    public async Task<OperationResult<bool>> DeleteAsync(string id, CancellationToken cancellationToken) =>
        await store.DeleteDestinationAsync(id, cancellationToken) ? true : Missing(id);

    public async Task<OperationResult<DestinationStatusView>> StatusAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetDestinationAsync(id, cancellationToken) is not { } d) return Missing(id);
        var counters = await store.CountersAsync(id, cancellationToken);
        var tables = FollowedTables(d);
        var at = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in tables) at[table] = await positions.PositionAsync(d.PositionName(table), cancellationToken);
        var lag = at.TryGetValue(ExportTables.Events, out var eventPosition) ? Math.Max(0, await log.LastSequenceAsync(cancellationToken) - eventPosition) : 0;
        long pending = 0;
        foreach (var letter in await deadLetters.ListDeadLettersAsync(new DeadLetterQuery(Stage, Pending: true, Limit: 1000), cancellationToken))
            if (letter.Key.StartsWith(d.Id + ":", StringComparison.Ordinal)) pending++;
        var state = d.Kind == DestinationKinds.Stream ? "live" : d.Paused ? "paused" : counters.LastError is not null ? "failing" : "running";
        return new DestinationStatusView(d.Id, d.Name, d.Kind, state, at, lag, counters.Sent, counters.Skipped, counters.LastError, counters.LastErrorAt, pending)
        {
            Paused = d.Paused,
        };
    }

    /// <summary>Every destination's status, by name (<c>GET /api/pipeline</c> lists them beside the followers).</summary>
    public async Task<IReadOnlyList<DestinationStatusView>> StatusesAsync(CancellationToken cancellationToken)
    {
        var list = new List<DestinationStatusView>();
        foreach (var d in (await store.ListDestinationsAsync(cancellationToken)).OrderBy(d => d.Name, StringComparer.Ordinal))
            if ((await StatusAsync(d.Id, cancellationToken)).Value is { } status) list.Add(status);
        return list;
    }

    /// <summary>
    /// The cursors a destination keeps a position in: <c>events</c> (the log sequence; profiles are exported from the
    /// profiles the events touched, so they ride on it), <c>memberships</c> (the history id), <c>sends</c> (the contact id).
    /// </summary>
    public static IReadOnlyList<string> FollowedTables(Destination d) => d.Kind switch
    {
        DestinationKinds.Parquet or DestinationKinds.Postgres => ExportCursors(ExportedTables(d)),
        DestinationKinds.Segment => [ExportTables.Events],
        DestinationKinds.Audience => [ExportTables.Memberships, ExportTables.Events], // events: consent answers (a withdrawal is a removal)
        _ => [],
    };

    /// <summary>The tables an export writes: those chosen, or all.</summary>
    public static IReadOnlyList<string> ExportedTables(Destination d) => d.Settings.Tables is { Count: > 0 } chosen ? chosen : ExportTables.All;

    private static List<string> ExportCursors(IReadOnlyList<string> tables)
    {
        var cursors = new List<string>(3);
        if (tables.Contains(ExportTables.Events) || tables.Contains(ExportTables.Profiles)) cursors.Add(ExportTables.Events);
        if (tables.Contains(ExportTables.Memberships)) cursors.Add(ExportTables.Memberships);
        if (tables.Contains(ExportTables.Sends)) cursors.Add(ExportTables.Sends);
        return cursors;
    }

    public static DestinationView View(Destination d) => new(d.Id, d.Name, d.Kind, d.Settings with
    {
        ConnectionString = d.Settings.ConnectionString is null ? null : Hidden,
        WriteKey = d.Settings.WriteKey is null ? null : Hidden,
        Secret = d.Settings.Secret is null ? null : Hidden,
        StreamKeyHash = null,
    }, d.Paused, d.CreatedAt, d.UpdatedAt);

    private static string? Keep(string? given, string? stored) => given is null || given == Hidden ? stored : given;

    private static OperationProblem Missing(string id) => OperationProblem.NotFound("id", $"no destination {id}");
}
