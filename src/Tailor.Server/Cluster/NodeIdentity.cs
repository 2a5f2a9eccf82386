using System.Security.Cryptography;

namespace Tailor.Server.Cluster;

/// <summary>This node's name in the cluster and the address it serves on.</summary>
public sealed record NodeIdentity(string Id, string Url)
{
    /// <summary>The configured id, or one made of the host name, the process id and a random suffix (unique per start).</summary>
    public static NodeIdentity From(ClusterOptions options, string urls) =>
        new(options.NodeId is { Length: > 0 } id ? id : $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}",
            urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "");
}
