using Npgsql;

namespace Tailor.Server.Cluster;

/// <summary>
/// The lease table on PostgreSQL (migration 0034): which node holds which partition of background work, until when.
/// Every statement reads the time from the database's clock, so nodes whose clocks disagree still agree on expiry.
/// A lease is taken only when it is free or expired, and renewed only by its holder; taking it moves its epoch on.
/// </summary>
public sealed class ClusterLeases(string connectionString)
{
    private const string NowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
    private readonly string _connection = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "tailor-cluster" }.ConnectionString;

    /// <summary>Makes sure every partition has a row (idempotent; a new follower on an upgraded node adds its own).</summary>
    public async Task EnsurePartitionsAsync(IReadOnlyList<string> partitions, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var command = new NpgsqlCommand("INSERT INTO cluster_leases (partition_key) SELECT unnest(@keys) ON CONFLICT DO NOTHING", c);
        command.Parameters.AddWithValue("keys", partitions.ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One round of a node's membership, in one transaction: records its heartbeat, renews what it holds, gives back what
    /// it holds beyond its fair share (so a node that joins gets work), and takes free or expired partitions up to that
    /// share. Returns the partitions it holds afterwards with their epochs, and the nodes alive now (this one included).
    /// </summary>
    public async Task<LeaseRound> RenewAsync(string nodeId, string url, string broker, DateTimeOffset startedAt, TimeSpan duration,
        IReadOnlyList<string> partitions, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await using var t = await c.BeginTransactionAsync(ct);
        var ms = (long)duration.TotalMilliseconds;
        await ExecuteAsync(c, t, $"""
            INSERT INTO cluster_nodes (node_id, url, started_at, heartbeat_at, broker) VALUES (@node, @url, @started, {NowMs}, @broker)
            ON CONFLICT (node_id) DO UPDATE SET url = excluded.url, heartbeat_at = excluded.heartbeat_at, broker = excluded.broker
            """, ct, ("node", nodeId), ("url", url), ("started", startedAt.ToUnixTimeMilliseconds()), ("broker", broker));
        // Every start is a new node id: forget nodes not heard of for a day, so the table stays the size of the cluster.
        await ExecuteAsync(c, t, $"DELETE FROM cluster_nodes WHERE heartbeat_at < {NowMs} - 86400000", ct);
        var live = (await ListAsync(c, t, $"SELECT node_id, heartbeat_at FROM cluster_nodes WHERE heartbeat_at > {NowMs} - @ms", ct, ("ms", ms))).Keys.ToList();
        var share = (int)Math.Ceiling(partitions.Count / (double)Math.Max(1, live.Count));
        var held = await ListAsync(c, t, $"""
            UPDATE cluster_leases SET expires_at = {NowMs} + @ms WHERE owner = @node AND expires_at > {NowMs} RETURNING partition_key, epoch
            """, ct, ("node", nodeId), ("ms", ms));
        if (held.Count > share)
        {
            // Beyond its share: give the extra back at once (it keeps the first by name, so a node's work is stable between rounds).
            var extra = held.Keys.Order(StringComparer.Ordinal).Skip(share).ToArray();
            await ExecuteAsync(c, t, "UPDATE cluster_leases SET owner = NULL, expires_at = 0 WHERE owner = @node AND partition_key = ANY(@keys)", ct,
                ("node", nodeId), ("keys", extra));
            foreach (var key in extra) held.Remove(key);
        }
        else if (held.Count < share)
        {
            // SKIP LOCKED: two nodes taking at the same moment each get different partitions instead of waiting on each other.
            var taken = await ListAsync(c, t, $"""
                UPDATE cluster_leases SET owner = @node, epoch = epoch + 1, acquired_at = {NowMs}, expires_at = {NowMs} + @ms
                WHERE partition_key IN (
                    SELECT partition_key FROM cluster_leases WHERE (owner IS NULL OR expires_at <= {NowMs}) AND partition_key = ANY(@keys)
                    ORDER BY random() LIMIT @n FOR UPDATE SKIP LOCKED)
                RETURNING partition_key, epoch
                """, ct, ("node", nodeId), ("ms", ms), ("keys", partitions.ToArray()), ("n", share - held.Count));
            foreach (var (key, epoch) in taken) held[key] = epoch;
        }
        await t.CommitAsync(ct);
        return new LeaseRound(held, live);
    }

    /// <summary>Gives back everything the node holds (a clean stop): the others take it at their next round, not after expiry.</summary>
    public async Task ReleaseAsync(string nodeId, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        await ExecuteAsync(c, null, "UPDATE cluster_leases SET owner = NULL, expires_at = 0 WHERE owner = @node", ct, ("node", nodeId));
        await ExecuteAsync(c, null, "UPDATE cluster_nodes SET heartbeat_at = 0 WHERE node_id = @node", ct, ("node", nodeId));
    }

    /// <summary>Every node that ever joined, most recently heard first, and the database's time now.</summary>
    public async Task<(IReadOnlyList<ClusterNode> Nodes, IReadOnlyList<PartitionLease> Leases, DateTimeOffset Now)> ReadAsync(CancellationToken ct)
    {
        await using var c = await OpenAsync(ct);
        var nodes = new List<ClusterNode>();
        await using (var command = new NpgsqlCommand("SELECT node_id, url, started_at, heartbeat_at, broker FROM cluster_nodes ORDER BY heartbeat_at DESC, node_id LIMIT 1000", c))
        await using (var r = await command.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                nodes.Add(new ClusterNode(r.GetString(0), r.GetString(1), At(r.GetInt64(2)), At(r.GetInt64(3)), r.GetString(4)));
        var leases = new List<PartitionLease>();
        await using (var command = new NpgsqlCommand("SELECT partition_key, owner, epoch, acquired_at, expires_at FROM cluster_leases ORDER BY partition_key", c))
        await using (var r = await command.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                leases.Add(new PartitionLease(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetInt64(3) == 0 ? null : At(r.GetInt64(3)), At(r.GetInt64(4))));
        var now = At((long)(await ScalarAsync(c, null, $"SELECT {NowMs}", ct))!);
        return (nodes, leases, now);
    }

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var c = new NpgsqlConnection(_connection);
        await c.OpenAsync(ct);
        return c;
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? t, string sql, (string, object)[] parameters)
    {
        var command = new NpgsqlCommand(sql, c, t);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, NpgsqlTransaction? t, string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var command = Command(c, t, sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection c, NpgsqlTransaction? t, string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var command = Command(c, t, sql, parameters);
        return await command.ExecuteScalarAsync(ct);
    }

    private static async Task<Dictionary<string, long>> ListAsync(NpgsqlConnection c, NpgsqlTransaction? t, string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var command = Command(c, t, sql, parameters);
        await using var r = await command.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct)) result[r.GetString(0)] = r.GetInt64(1);
        return result;
    }
}
