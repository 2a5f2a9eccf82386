namespace Tailor.Server.Hosting;

/// <summary>
/// How many requests a caller may make (docs/security.md): a token bucket per write key for ingestion, per admin key
/// for <c>/api</c>, per client address for <c>/v1/personalize</c> and for everything. Beyond it: 429 with <c>Retry-After</c>.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary><c>/v1</c> ingestion per write key (default 2,000 requests/s, burst 4,000; a request carries up to a batch).</summary>
    public RateLimit Ingest { get; set; } = new() { Permits = 2000, Burst = 4000 };

    /// <summary><c>/v1/personalize</c> and the pixel per client address (default 1,000/s, burst 2,000).</summary>
    public RateLimit Personalize { get; set; } = new() { Permits = 1000, Burst = 2000 };

    /// <summary><c>/api</c> per admin key (default 200/s, burst 400).</summary>
    public RateLimit Api { get; set; } = new() { Permits = 200, Burst = 400 };

    /// <summary>Every request per client address, whatever its key (default 4,000/s, burst 8,000): bounds what one machine can ask with many keys, or none.</summary>
    public RateLimit PerClient { get; set; } = new() { Permits = 4000, Burst = 8000 };
}

/// <summary>A token bucket: <see cref="Permits"/> requests every <see cref="Period"/>, up to <see cref="Burst"/> at once; 0 permits turns it off.</summary>
public sealed class RateLimit
{
    public int Permits { get; set; }

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    public int Burst { get; set; }

    public bool Enabled => Permits > 0;
}
