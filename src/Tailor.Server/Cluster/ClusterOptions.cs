namespace Tailor.Server.Cluster;

/// <summary>
/// Several nodes on one PostgreSQL with RabbitMQ between them (<c>Tailor:Cluster</c>; docs/scale.md). Off unless
/// <see cref="RabbitMq"/> is set; without it a node runs every background stage itself, as a single node always has.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>The broker, as an AMQP URI (<c>amqp://user:password@host:5672/%2F</c>; <c>tailor serve --rabbitmq</c>). Needs PostgreSQL.</summary>
    public string? RabbitMq { get; set; }

    /// <summary>This node's name in <c>GET /api/cluster</c> and in the lease table; default: host name, process id and a random suffix.</summary>
    public string? NodeId { get; set; }

    /// <summary>How long a lease holds without renewal (default 5 s): a dead node's work moves to the others after at most this long.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a node renews its leases and heartbeat (default 1 s); at most a third of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Prefix of the exchanges the nodes share on the broker (default <c>tailor</c>): <c>PREFIX.wakeups</c> and <c>PREFIX.changes</c>.</summary>
    public string ExchangePrefix { get; set; } = "tailor";

    /// <summary>Whether cluster mode is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(RabbitMq);

    /// <summary>What is wrong with these settings, each as <c>Key rule</c> under <c>Tailor:Cluster:</c>.</summary>
    public IEnumerable<string> Problems(bool postgres)
    {
        if (!Enabled) yield break;
        if (!postgres) yield return "RabbitMq needs Tailor:Postgres: the nodes of a cluster share one PostgreSQL store";
        if (!Uri.TryCreate(RabbitMq, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
            yield return "RabbitMq must be an amqp:// or amqps:// URI such as amqp://user:password@127.0.0.1:5672/%2F";
        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromMinutes(5))
            yield return $"LeaseDuration must be from 1 second to 5 minutes, not {LeaseDuration}";
        if (Heartbeat <= TimeSpan.Zero || Heartbeat * 3 > LeaseDuration)
            yield return $"Heartbeat must be more than zero and at most a third of LeaseDuration ({LeaseDuration}), not {Heartbeat}";
        if (NodeId is { } id && (id.Length is 0 or > 100 || id.Any(char.IsControl)))
            yield return "NodeId must be 1 to 100 characters without control characters";
        if (string.IsNullOrWhiteSpace(ExchangePrefix) || ExchangePrefix.Length > 100)
            yield return "ExchangePrefix must be 1 to 100 characters";
    }
}
