using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Messaging;
using Tailor.Core.Pipeline;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;
using Tailor.Core.Triggers;
using Tailor.Server.Campaigns;
using Tailor.Server.Content;
using Tailor.Server.Pipeline;
using Tailor.Server.Profiles;
using Tailor.Application.Triggers;

namespace Tailor.Server.Triggers;

/// <summary>
/// Empties the trigger outbox: claims due deliveries (one node gets each), runs them (email through the sender,
/// webhooks signed over HTTP, profile changes as events in the log) and records the outcome. Failed webhooks and
/// transient email failures are retried with backoff as durable due times; after the last try they are dead letters.
/// A delivery whose run throws (a renderer or sender failing in a way that is not a delivery failure) is retried the
/// same way, and when it is dead it is also set aside in the dead-letter store (stage <see cref="Stage"/>) for replay.
/// A follower run by <see cref="FollowerHost"/>, which cannot isolate items: each delivery already runs on its own.
/// </summary>
public sealed partial class DeliveryWorker(ITailorStore store, TriggerEngine engine, IEmailSender email, ProfileEventWriter profileEvents,
    RetryPolicy retries, TimeProvider time, ILogger<DeliveryWorker> logger, ContentCatalog content, ContentRenderer renderer, CampaignEmails emails,
    WebhookHttp webhooks, FollowerWakeups wakeups, IStageProbe? probe = null) : ILogFollower, IDisposable
{
    /// <summary>The dead-letter stage of deliveries whose run threw.</summary>
    public const string Stage = "deliveries";

    private const int CommitBatch = 1000;
    private const string DefaultFrom = "Tailor <no-reply@tailor.local>";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>A delivery still "sending" this long after its claim was abandoned by a node that died mid-send.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(10);
    private DateTimeOffset _nextRecovery = DateTimeOffset.MinValue;
    private Task? _committer;
    // Slow email (one SMTP transaction each) has a lane of its own, so a backlog of mail never holds up webhooks.
    private readonly Lane[] _lanes = [new(DeliveryLane.NotEmail, 64), new(DeliveryLane.Email, 16)];
    private readonly Channel<DeliveryResult> _results = Channel.CreateUnbounded<DeliveryResult>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Wakes the worker now (new deliveries were queued, or a dead letter was put back).</summary>
    public void Wake() => wakeups.Wake(Stage);

    public string Name => Stage;

    public int IsolationWindow => 0;

    /// <summary>Woken when the trigger engine queued actions.</summary>
    public IReadOnlyList<string> Follows { get; } = [TriggerEngine.Stage];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _committer ??= Task.Run(() => CommitLoopAsync(CancellationToken.None), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task SetAsideAsync(Exception error, int attempts, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deliveries due now and not yet claimed.</summary>
    public async Task<FollowerProgress> ProgressAsync(CancellationToken cancellationToken) =>
        new(null, await store.DueDeliveryCountAsync(time.GetUtcNow(), cancellationToken));

    private sealed class Lane(DeliveryLane kind, int capacity) : IDisposable
    {
        public DeliveryLane Kind { get; } = kind;
        public int Capacity { get; } = capacity;
        public SemaphoreSlim Slots { get; } = new(capacity, capacity);

        /// <summary>Claims wait for half the lane to be free: a claim is a write transaction, not to be paid per delivery.</summary>
        public bool Open => Slots.CurrentCount >= Capacity / 2;

        public void Dispose() => Slots.Dispose();
    }

    /// <summary>
    /// A pipeline rather than rounds: deliveries are claimed as slots free up, each runs on its own, and outcomes are
    /// committed in batches as they finish, so one slow send never holds up the rest.
    /// </summary>
    public async Task<FollowerStep> StepAsync(StepMode mode, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() >= _nextRecovery)
        {
            await RecoverInterruptedAsync(cancellationToken);
            _nextRecovery = time.GetUtcNow() + TimeSpan.FromMinutes(1);
        }
        var claimed = 0;
        foreach (var lane in _lanes)
        {
            if (!lane.Open) continue;
            var batch = await store.ClaimDeliveriesAsync(time.GetUtcNow(), lane.Slots.CurrentCount, lane.Kind, cancellationToken);
            foreach (var d in batch)
            {
                await lane.Slots.WaitAsync(cancellationToken);
                _ = Task.Run(() => RunInSlotAsync(d, lane, cancellationToken), CancellationToken.None);
            }
            claimed += batch.Count;
        }
        if (claimed > 0) return new(claimed);
        // Something due now that no open lane took belongs to a full lane: a finishing send wakes us.
        var next = await store.NextDueAsync(cancellationToken);
        return FollowerStep.Idle(next is { } due && due > time.GetUtcNow() ? due : null);
    }

    public async Task StopAsync()
    {
        // Let running sends finish (they see the cancellation) and their outcomes be recorded.
        var drained = Stopwatch.StartNew();
        foreach (var lane in _lanes)
        {
            for (var i = 0; i < lane.Capacity; i++)
            {
                var left = TimeSpan.FromSeconds(5) - drained.Elapsed;
                if (left <= TimeSpan.Zero || !await lane.Slots.WaitAsync(left, CancellationToken.None)) break;
            }
        }
        _results.Writer.TryComplete();
        if (_committer is not null) await _committer;
    }

    private async Task RunInSlotAsync(ActionDelivery d, Lane lane, CancellationToken ct)
    {
        try
        {
            DeliveryResult result;
            try
            {
                result = await RunAsync(d, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                result = Failed(d, ex.Message, retry: d.Kind != "email"); // an email in doubt is not sent twice
                if (result.Status == DeliveryStatus.Dead) await SetAsideAsync(d, ex, ct);
            }
            _results.Writer.TryWrite(result);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the claim stays "sending" and is recovered after the lease.
        }
        finally
        {
            lane.Slots.Release();
            Wake();
        }
    }

    /// <summary>A delivery that threw until it had no tries left goes to the dead-letter store too, to be replayed once fixed.</summary>
    private async Task SetAsideAsync(ActionDelivery d, Exception error, CancellationToken ct)
    {
        try
        {
            await store.AddDeadLetterAsync(DeadLetter.For(Stage, d.Id, null, d.Payload, error, d.Attempts, time.GetUtcNow()), ct);
            LogSetAside(d.Id, error.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex); // the outbox row is dead all the same; it is listed under the trigger's dead letters
        }
    }

    private async Task CommitLoopAsync(CancellationToken ct)
    {
        var batch = new List<DeliveryResult>(CommitBatch);
        while (await _results.Reader.WaitToReadAsync(ct))
        {
            while (batch.Count < CommitBatch && _results.Reader.TryRead(out var result)) batch.Add(result);
            try
            {
                await store.CompleteDeliveriesAsync(batch, ct);
                batch.Clear();
            }
            catch (Exception ex)
            {
                LogFailed(ex); // keep the batch and try again
                await Task.Delay(PollInterval, time, ct);
            }
        }
    }

    /// <summary>
    /// Deliveries whose node died mid-send: a webhook or profile change goes again (the receiver dedupes by
    /// Idempotency-Key, the log by message id); an email does not, because it may have been accepted (at most once).
    /// </summary>
    private async Task RecoverInterruptedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        const string interrupted = "interrupted mid-send (the node stopped)";
        await store.CompleteDeliveriesAsync([.. (await store.InterruptedDeliveriesAsync(now - ClaimLease, CommitBatch, ct)).Select(d => d.Kind == "email"
            ? new DeliveryResult(d.Id, DeliveryStatus.Failed, now, interrupted, Log(d, "failed", $"{interrupted}; not resent, it may have been accepted"))
            : new DeliveryResult(d.Id, DeliveryStatus.Pending, now, interrupted, Log(d, "retry", $"{interrupted}; sent again under the same idempotency key")))], ct);
    }

    private async Task<DeliveryResult> RunAsync(ActionDelivery d, CancellationToken ct)
    {
        probe?.BeforeItem(Stage, d.Id);
        using var payload = JsonDocument.Parse(d.Payload);
        var p = payload.RootElement;
        try
        {
            switch (d.Kind)
            {
                case "email":
                {
                    var messageId = $"{d.Id.Replace(':', '.')}@tailor"; // a resend of the same step is recognisably the same mail
                    var (message, problem) = Text(p, "template") is { } template
                        ? await ComposeAsync(d, p, template, messageId, ct)
                        : (new EmailMessage(Text(p, "from") ?? DefaultFrom, Text(p, "to")!, Text(p, "subject")!, null, Text(p, "body")) { MessageId = messageId }, null);
                    if (message is null) return Done(d, DeliveryStatus.Dead, "dead", problem!);
                    await email.SendAsync(message, ct);
                    return Done(d, DeliveryStatus.Sent, "sent", $"email accepted for {message.To}");
                }
                case "webhook":
                    return await PostAsync(d, p, ct);
                case "profile":
                    return await ChangeProfileAsync(d, p, ct);
                default:
                    return Done(d, DeliveryStatus.Dead, "dead", $"unknown delivery kind {d.Kind}");
            }
        }
        catch (EmailSendException ex)
        {
            return Failed(d, ex.Message, retry: !ex.Permanent);
        }
    }

    /// <summary>
    /// A stored Liquid template rendered by the content engine for the profile as it is now, with tracked links and
    /// unsubscribe headers, as campaigns send it. It reads the trigger as <c>campaign.id</c>/<c>campaign.name</c> and
    /// the event that started the run as <c>campaign.event</c>. Null with the reason when it cannot be sent.
    /// </summary>
    private async Task<(EmailMessage? Message, string? Problem)> ComposeAsync(ActionDelivery d, JsonElement p, string templateName, string messageId, CancellationToken ct)
    {
        var snapshot = await content.CurrentAsync(ct);
        if (!snapshot.Templates.TryGetValue(templateName, out var template)) return (null, $"template \"{templateName}\" does not exist");
        var facts = await renderer.FactsAsync(d.ProfileId, snapshot, ct);
        if (facts is null) return (null, "the profile no longer exists (erased or merged)");
        var name = engine.Catalog.ById(d.TriggerId)?.Stored.Name ?? d.TriggerId;
        var values = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = d.TriggerId,
            ["name"] = name,
            ["event"] = p.TryGetProperty("event", out var started) ? ScopeModel.Json(started) : null,
        };
        try
        {
            var composed = await emails.ComposeAsync(new CampaignEmails.EmailSpec($"trigger:{d.TriggerId}", name, template, null, Text(p, "from"), values, messageId),
                facts, Text(p, "to")!, snapshot, ct);
            return (Text(p, "subject") is { Length: > 0 } subject ? composed.Message with { Subject = subject } : composed.Message, null);
        }
        catch (TemplateRenderException e)
        {
            return (null, e.Message);
        }
    }

    private async Task<DeliveryResult> PostAsync(ActionDelivery d, JsonElement p, CancellationToken ct)
    {
        var secret = engine.Catalog.ById(d.TriggerId)?.Stored.Secret ?? (await store.GetTriggerAsync(d.TriggerId, ct))?.Secret;
        if (secret is null) return Done(d, DeliveryStatus.Dead, "dead", "the trigger no longer exists, so the webhook cannot be signed");
        var body = Text(p, "body")!;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, Text(p, "url")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add(WebhookSignature.IdempotencyHeader, d.Id);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(p.GetProperty("timeoutMs").GetInt64()));
        try
        {
            using var response = await webhooks.Client.SendAsync(request, timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return Done(d, DeliveryStatus.Sent, "sent", $"webhook answered {status}");
            // 5xx, 408 and 429 may pass on a later try; any other answer will not.
            if (status is >= 300 and < 400) return Failed(d, $"webhook answered {status} (a redirect; redirects are not followed)", retry: false);
            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return Failed(d, $"webhook answered {status}", retry);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Failed(d, "webhook timed out", retry: true);
        }
        catch (HttpRequestException ex) when (ex.InnerException is WebhookRefusedException refused)
        {
            return Failed(d, $"webhook refused: {refused.Message}", retry: false); // the address will not become public on a retry
        }
        catch (HttpRequestException ex)
        {
            return Failed(d, $"webhook unreachable: {ex.Message}", retry: true);
        }
    }

    /// <summary>Profile changes are events like any other (DESIGN.md); their message ids come from the delivery, so a repeat is a duplicate.</summary>
    private async Task<DeliveryResult> ChangeProfileAsync(ActionDelivery d, JsonElement p, CancellationToken ct)
    {
        var profile = await store.GetProfileAsync(d.ProfileId, ct);
        if (profile is null) return Done(d, DeliveryStatus.Dead, "dead", "the profile no longer exists");
        // Message ids from the delivery id: a retry after a crash is deduplicated by the log.
        var events = new List<TailorEvent?>();
        var traits = p.GetProperty("traits");
        if (traits.EnumerateObject().Any())
            events.Add(profileEvents.Event(profile, $"trigger-{d.Id}-traits", EventType.Identify, null,
                new() { ["traits"] = JsonNode.Parse(traits.GetRawText()) }, TriggerEngine.TriggerSource));
        var add = p.GetProperty("addTags");
        var remove = p.GetProperty("removeTags");
        if (add.GetArrayLength() + remove.GetArrayLength() > 0)
            events.Add(profileEvents.Event(profile, $"trigger-{d.Id}-tags", EventType.Track, ProfileReducer.TagsUpdated, new()
            {
                ["event"] = ProfileReducer.TagsUpdated,
                ["properties"] = new JsonObject { ["add"] = JsonNode.Parse(add.GetRawText()), ["remove"] = JsonNode.Parse(remove.GetRawText()) },
            }, TriggerEngine.TriggerSource));
        if (events.Contains(null)) return Done(d, DeliveryStatus.Dead, "dead", "the profile has no userId or anonymousId to record the change on");
        await profileEvents.WriteAsync(events!, ct);
        return Done(d, DeliveryStatus.Sent, "sent", $"profile change logged as {string.Join(", ", events.Select(e => e!.MessageId))}");
    }

    private DeliveryResult Failed(ActionDelivery d, string error, bool retry)
    {
        if (retry && d.Attempts < d.MaxAttempts)
        {
            var due = time.GetUtcNow() + retries.Delay(d.Attempts);
            return new DeliveryResult(d.Id, DeliveryStatus.Pending, due, error,
                Log(d, "retry", $"attempt {d.Attempts} of {d.MaxAttempts} failed ({error}); next try at {due:O}"));
        }
        return Done(d, DeliveryStatus.Dead, "dead", retry ? $"attempt {d.Attempts} of {d.MaxAttempts} failed ({error}); no tries left" : error, error);
    }

    private DeliveryResult Done(ActionDelivery d, string status, string kind, string detail, string? error = null)
    {
        var now = time.GetUtcNow();
        return new DeliveryResult(d.Id, status, now, error ?? (status == DeliveryStatus.Sent ? null : detail), Log(d, kind, detail));
    }

    private ExecutionLogEntry Log(ActionDelivery d, string kind, string detail) =>
        new(d.RunId, d.TriggerId, d.ProfileId, time.GetUtcNow(), d.Id[(d.Id.LastIndexOf(':') + 1)..], kind, detail);

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public void Dispose()
    {
        foreach (var lane in _lanes) lane.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A trigger delivery step failed; it will be retried")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {DeliveryId} threw until it had no tries left; set aside in the dead-letter store: {Reason}")]
    private partial void LogSetAside(string deliveryId, string reason);
}
