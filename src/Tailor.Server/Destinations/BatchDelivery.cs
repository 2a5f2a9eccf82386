using System.Collections.Concurrent;
using Tailor.Application.Destinations;
using Tailor.Core.Destinations;
using Tailor.Core.Storage;
using Tailor.Server.Pipeline;
using Tailor.Server.Triggers;

namespace Tailor.Server.Destinations;

/// <summary>
/// Sends the batches of the HTTP destinations (forwarding, audience sync) through the SSRF-guarded webhook client and
/// commits each with its position: a 2xx commits; a failure is retried with exponential backoff on the injected
/// clock (1 s, 2 s, 4 s … at most 5 min) on the same range of positions, and after the destination's attempts the
/// batch is set aside as a dead letter (stage <c>destinations</c>) in the commit that moves past it. It also holds a
/// partial batch back for the destination's wait, so small trickles go out in fewer requests. Retries and waits are
/// kept per cursor (<c>destination:&lt;id&gt;:&lt;table&gt;</c>), so a destination that follows two (audience sync:
/// memberships and consent changes) never mixes their ranges.
/// </summary>
public sealed partial class BatchDelivery(IHttpClientFactory http, IDestinationStore store, TimeProvider time, ILogger<BatchDelivery> logger)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Retry> _retries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long From, DateTimeOffset Since)> _waits = new(StringComparer.Ordinal);

    /// <summary>The range a failed batch covered, when it is to be sent again from <paramref name="from"/>.</summary>
    internal long? RetryUpTo(Destination d, string table, long from) => _retries.TryGetValue(d.PositionName(table), out var r) && r.From == from ? r.To : null;

    /// <summary>
    /// When a partial batch starting at <paramref name="from"/> may go (its first sight plus the wait); null when it may go now.
    /// </summary>
    internal DateTimeOffset? HoldUntil(Destination d, string table, long from)
    {
        var wait = TimeSpan.FromSeconds(d.Settings.MaxWaitSeconds ?? DestinationRules.DefaultMaxWaitSeconds);
        if (wait <= TimeSpan.Zero || RetryUpTo(d, table, from) is not null) return null;
        var now = time.GetUtcNow();
        var since = _waits.AddOrUpdate(d.PositionName(table), (from, now), (_, old) => old.From == from ? old : (from, now)).Since;
        return now < since + wait ? since + wait : null;
    }

    /// <summary>Commits a step that sends nothing (every event filtered out or refused by consent).</summary>
    internal async Task<FollowerStep> SkipAsync(Destination d, PositionMove move, int skipped, CancellationToken ct)
    {
        await store.CommitAsync(new DestinationCommit(d.Id, [move], 0, skipped), ct);
        _waits.TryRemove(move.Name, out _);
        return new FollowerStep(Math.Max(1, skipped));
    }

    internal async Task<FollowerStep> SendAsync(Destination d, string table, PositionMove move, byte[] body, int sent, int skipped, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_retries.TryGetValue(move.Name, out var retry) && retry.From == move.From && retry.NextAt > now) return FollowerStep.Idle(retry.NextAt);
        var error = await TrySendAsync(d, body, ct);
        if (error is null)
        {
            await store.CommitAsync(new DestinationCommit(d.Id, [move], sent, skipped), ct);
            Forget(move.Name);
            return new FollowerStep(Math.Max(1, sent + skipped));
        }
        var attempts = (retry is not null && retry.From == move.From ? retry.Attempts : 0) + 1;
        var maxAttempts = d.Settings.MaxAttempts ?? DestinationRules.DefaultMaxAttempts;
        if (attempts >= maxAttempts)
        {
            var letter = new DeadLetter(0, DestinationOperations.Stage, $"{d.Id}:{table}:{move.From + 1}-{move.To}", null,
                System.Text.Encoding.UTF8.GetString(body), $"{d.Name}: {error}", null, attempts, now);
            await store.CommitAsync(new DestinationCommit(d.Id, [move], 0, skipped, letter), ct);
            Forget(move.Name);
            LogSetAside(d.Name, move.From + 1, move.To, attempts, error);
            return new FollowerStep(1);
        }
        var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, attempts - 1)));
        _retries[move.Name] = new Retry(move.From, move.To, attempts, now + backoff);
        await store.RecordErrorAsync(d.Id, $"attempt {attempts} of {maxAttempts}: {error}", now, ct);
        LogRetry(d.Name, attempts, maxAttempts, backoff.TotalSeconds, error);
        return FollowerStep.Idle(now + backoff);
    }

    /// <summary>Sends once; null on a 2xx, else why not (the status, or the connection error, an SSRF refusal included).</summary>
    public async Task<string?> TrySendAsync(Destination d, byte[] body, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var request = DestinationRequests.Build(d, body);
            using var response = await http.CreateClient(WebhookHttp.ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (HttpRequestException e)
        {
            return e.InnerException is WebhookRefusedException refused ? $"refused: {refused.Message}" : e.Message;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {RequestTimeout.TotalSeconds:0} s";
        }
    }

    private void Forget(string cursor)
    {
        _retries.TryRemove(cursor, out _);
        _waits.TryRemove(cursor, out _);
    }

    private sealed record Retry(long From, long To, int Attempts, DateTimeOffset NextAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destination {Name}: attempt {Attempt} of {Max} failed ({Error}); next in {Seconds} s")]
    private partial void LogRetry(string name, int attempt, int max, double seconds, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Destination {Name}: positions {First}-{Last} set aside as a dead letter after {Attempts} attempts ({Error})")]
    private partial void LogSetAside(string name, long first, long last, int attempts, string error);
}
