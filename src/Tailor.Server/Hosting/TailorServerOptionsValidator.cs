using Microsoft.Extensions.Options;
using Tailor.Core.Delivery;
using Tailor.Core.Triggers;
using Tailor.Server.Triggers;

namespace Tailor.Server.Hosting;

/// <summary>
/// Checks <see cref="TailorServerOptions"/> when the node starts (<c>ValidateOnStart</c>): each failure names the
/// setting, as its configuration key under <c>Tailor:</c>, and the rule it breaks, so a bad setting stops the start
/// with a message that says what to fix.
/// </summary>
public sealed class TailorServerOptionsValidator : IValidateOptions<TailorServerOptions>
{
    public ValidateOptionsResult Validate(string? name, TailorServerOptions options)
    {
        var failures = new List<string>();
        void Check(bool ok, string key, string rule)
        {
            if (!ok) failures.Add($"{TailorServerOptions.Section}:{key} {rule}");
        }
        Check(!string.IsNullOrWhiteSpace(options.Urls), nameof(options.Urls), "must name at least one address to listen on");
        Check(options.Postgres is not null || !string.IsNullOrWhiteSpace(options.DataDirectory), nameof(options.DataDirectory), "must be set when Postgres is not");
        Check(options.FoldPartitions is >= 0 and <= Core.Pipeline.ProfilePartitioner.MaxPartitions, nameof(options.FoldPartitions),
            $"must be from 1 to {Core.Pipeline.ProfilePartitioner.MaxPartitions}, or 0 for as the store is, not {options.FoldPartitions}");
        Check(options.CampaignRatePerSecond >= 0, nameof(options.CampaignRatePerSecond), $"must be 0 (no limit) or more, not {options.CampaignRatePerSecond}");
        if (options.Definitions.Invalid() is { } definitions) failures.Add($"{TailorServerOptions.Section}:{nameof(options.Definitions)}:{definitions}");
        if (options.RenderBudget.Invalid() is { } budget) failures.Add($"{TailorServerOptions.Section}:{nameof(options.RenderBudget)}:{budget}");
        try { FrequencyCap.ParseGlobal(options.Caps); }
        catch (FormatException e) { failures.Add($"{TailorServerOptions.Section}:{nameof(options.Caps)} {e.Message}"); }
        foreach (var problem in options.Email.Problems()) failures.Add($"{TailorServerOptions.Section}:{nameof(options.Email)}:{problem}");
        var security = options.Security;
        Check(security.ApiMaxBodyBytes >= 1024, "Security:ApiMaxBodyBytes", $"must be at least 1024 bytes, not {security.ApiMaxBodyBytes}");
        Check(security.ApiMaxJsonDepth is >= 4 and <= 256, "Security:ApiMaxJsonDepth", $"must be from 4 to 256, not {security.ApiMaxJsonDepth}");
        Check(security.KeyRotationGrace >= TimeSpan.Zero, "Security:KeyRotationGrace", "must not be negative");
        try { WebhookAddressPolicy.Parse(security.WebhookAllow); }
        catch (ArgumentException e) { failures.Add($"{TailorServerOptions.Section}:Security:WebhookAllow {e.Message}"); }
        foreach (var problem in options.Privacy.Problems()) failures.Add($"{TailorServerOptions.Section}:Privacy:{problem}");
        var geo = options.Geo;
        Check(geo.Ipv4Prefix is >= 0 and <= 32, "Geo:Ipv4Prefix", $"must be from 0 to 32 bits, not {geo.Ipv4Prefix}");
        Check(geo.Ipv6Prefix is >= 0 and <= 128, "Geo:Ipv6Prefix", $"must be from 0 to 128 bits, not {geo.Ipv6Prefix}");
        if (Geo.GeoWiring.Problem(geo.Database) is { } database) failures.Add($"{TailorServerOptions.Section}:Geo:Database {database}");
        var followers = options.Followers;
        Check(followers.Attempts >= 1, "Followers:Attempts", $"must be at least 1, not {followers.Attempts}");
        Check(followers.Backoff > TimeSpan.Zero, "Followers:Backoff", "must be more than zero");
        Check(followers.MaxBackoff >= followers.Backoff, "Followers:MaxBackoff", "must be at least Followers:Backoff");
        Check(followers.PollInterval > TimeSpan.Zero, "Followers:PollInterval", "must be more than zero");
        foreach (var problem in options.Cluster.Problems(options.Postgres is not null)) failures.Add($"{TailorServerOptions.Section}:Cluster:{problem}");
        var observability = options.Observability;
        Check(observability.MetricsPath is ['/', _, ..] && !observability.MetricsPath.StartsWith("/api", StringComparison.Ordinal) && !observability.MetricsPath.StartsWith("/v1", StringComparison.Ordinal),
            "Observability:MetricsPath", $"must be a path such as /metrics, outside /api and /v1, not '{observability.MetricsPath}'");
        Check(observability.OtlpEndpoint is null or "" || Uri.TryCreate(observability.OtlpEndpoint, UriKind.Absolute, out _),
            "Observability:OtlpEndpoint", $"must be an absolute URL such as http://127.0.0.1:4317, not '{observability.OtlpEndpoint}'");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
