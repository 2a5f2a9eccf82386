using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Tailor.Server.Admin;

namespace Tailor.Server.Hosting;

/// <summary>
/// The rate limits of <see cref="RateLimitOptions"/> on ASP.NET Core's rate-limiting middleware: one limiter per
/// request, chained from the caller's key bucket and its address bucket, so neither many addresses with one key nor
/// many keys from one address get past. Refusals are problem documents with <c>Retry-After</c>.
/// </summary>
internal static class RateLimits
{
    public static IServiceCollection AddTailorRateLimits(this IServiceCollection services, RateLimitOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => ByKey(http, options)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Bucket($"ip:{Address(http)}", options.PerClient)));
            limiter.OnRejected = RejectAsync;
        });

    /// <summary>The bucket of the caller's key for the area of the API it calls.</summary>
    private static RateLimitPartition<string> ByKey(HttpContext http, RateLimitOptions options)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/api"))
            return Bucket($"api:{Hashed(AccessKeys.BearerToken(http.Request)) ?? Address(http)}", options.Api);
        if (path.StartsWithSegments("/v1/personalize") || path.StartsWithSegments("/v1/pixel") || path.StartsWithSegments("/v1/experiments"))
            return Bucket($"personalize:{Address(http)}", options.Personalize);
        if (path.StartsWithSegments("/v1"))
            return Bucket($"ingest:{Hashed(AccessKeys.BasicUser(http.Request)) ?? Address(http)}", options.Ingest);
        return RateLimitPartition.GetNoLimiter("open");
    }

    private static RateLimitPartition<string> Bucket(string key, RateLimit limit) => limit.Enabled
        ? RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(limit.Burst, limit.Permits), TokensPerPeriod = limit.Permits, ReplenishmentPeriod = limit.Period,
            QueueLimit = 0, AutoReplenishment = true,
        })
        : RateLimitPartition.GetNoLimiter(key);

    /// <summary>Keys are secrets: the partition holds a short hash, never the key.</summary>
    private static string? Hashed(string? key) => key is null ? null : Application.Access.AccessSecrets.Hash(key)[..16];

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await AdminApiGuard.Problem(http, StatusCodes.Status429TooManyRequests, "Too many requests", "rate", "must stay within the rate limit",
            $"Retry after {seconds} s (docs/security.md, \"Rate limits\").");
    }
}
