using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tailor.Server.Observability;

/// <summary>
/// Every instrument Tailor records, in one place, on the one <see cref="Meter"/> named <c>Tailor</c> (and the
/// <see cref="ActivitySource"/> of the same name for traces). The instruments are static and recording is a few
/// interlocked adds with tags in a <see cref="TagList"/> (a struct): nothing is allocated per event, and with no
/// listener (metrics switched off) a record costs a branch. Names and units follow OpenTelemetry's conventions; the
/// list with what each means is in docs/observability.md.
/// </summary>
public static class TailorMetrics
{
    public const string Name = "Tailor";

    /// <summary>The meter of every instrument below.</summary>
    public static readonly Meter Meter = new(Name, "1.0");

    /// <summary>Spans Tailor starts itself (an ingestion request's durable append, a follower's step).</summary>
    public static readonly ActivitySource ActivitySource = new(Name, "1.0");

    /// <summary>Messages through the tracking API, by <c>outcome</c>: accepted, duplicate, rejected, blocked.</summary>
    public static readonly Counter<long> IngestedMessages = Meter.CreateCounter<long>("tailor.ingestion.messages", "{message}",
        "Messages received by the tracking API, by outcome (accepted, duplicate, rejected, blocked)");

    /// <summary>Time from a tracking request's arrival to its answer (after the durable commit), by <c>route</c>.</summary>
    public static readonly Histogram<double> IngestionDuration = Meter.CreateHistogram<double>("tailor.ingestion.duration", "s",
        "Tracking request latency, arrival to answer (the answer follows the durable commit)");

    /// <summary>Items waiting for each follower (<c>follower</c>), as <c>GET /api/pipeline</c> reports them.</summary>
    public const string PipelineLagName = "tailor.pipeline.lag";

    /// <summary>Time the segment engine spent evaluating one batch of events (not the timers).</summary>
    public static readonly Histogram<double> SegmentEvaluationDuration = Meter.CreateHistogram<double>("tailor.segments.evaluation.duration", "s",
        "Time to evaluate the affected segments for one batch of events");

    /// <summary>Entries and exits committed by the segment engine, by <c>change</c>: entered, exited.</summary>
    public static readonly Counter<long> MembershipChanges = Meter.CreateCounter<long>("tailor.segments.membership.changes", "{change}",
        "Segment entries and exits committed, by change (entered, exited)");

    /// <summary>Timers fired because they were due, by <c>stage</c>.</summary>
    public static readonly Counter<long> TimersFired = Meter.CreateCounter<long>("tailor.timers.fired", "{timer}",
        "Due timers fired (time-window segment changes), by stage");

    /// <summary>How long after its due moment the earliest due timer of a step was fired, by <c>stage</c>.</summary>
    public static readonly Histogram<double> TimerLateness = Meter.CreateHistogram<double>("tailor.timers.lateness", "s",
        "Delay between a timer's due moment and its firing");

    /// <summary>Delivery attempts by <c>kind</c> (email, webhook, profile-change) and <c>outcome</c> (sent, retry, dead).</summary>
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("tailor.deliveries", "{delivery}",
        "Delivery attempts by kind and outcome (sent, retry, dead)");

    /// <summary>Time to render a template, by <c>purpose</c> (personalize, email).</summary>
    public static readonly Histogram<double> RenderDuration = Meter.CreateHistogram<double>("tailor.content.render.duration", "s",
        "Liquid render time, by purpose (personalize, email)");

    /// <summary>Cache lookups by <c>cache</c> (write-keys, profile-scopes) and <c>result</c> (hit, miss).</summary>
    public static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>("tailor.cache.lookups", "{lookup}",
        "Cache lookups by cache and result (hit, miss)");

    /// <summary>Traits and properties removed at ingestion by a source's allow- and deny-lists (data minimisation), by <c>source</c>.</summary>
    public static readonly Counter<long> FieldsDropped = Meter.CreateCounter<long>("tailor.ingestion.fields.dropped", "{field}",
        "Traits and properties removed at ingestion by a source's allow- and deny-lists, by source");

    /// <summary>Events a source's policy changed for want of analytics consent, by <c>source</c> and <c>outcome</c>: dropped, pseudonymized.</summary>
    public static readonly Counter<long> EventsWithoutConsent = Meter.CreateCounter<long>("tailor.ingestion.events.without_consent", "{event}",
        "Events without analytics consent that a source's policy dropped or stored in pseudonymous form, by source and outcome");

    /// <summary>Records what a source's privacy policy did to one request (<c>SourcePolicies.Counted</c>).</summary>
    public static void SourcePolicyApplied(string source, int eventsDropped, int eventsPseudonymized, int fieldsDropped)
    {
        var from = new KeyValuePair<string, object?>("source", source);
        if (fieldsDropped > 0) FieldsDropped.Add(fieldsDropped, from);
        if (eventsDropped > 0) EventsWithoutConsent.Add(eventsDropped, from, new KeyValuePair<string, object?>("outcome", "dropped"));
        if (eventsPseudonymized > 0) EventsWithoutConsent.Add(eventsPseudonymized, from, new KeyValuePair<string, object?>("outcome", "pseudonymized"));
    }

    /// <summary>Counts one tracking request's messages by outcome.</summary>
    public static void Ingested(int accepted, int duplicates, int rejected, int blocked)
    {
        if (!IngestedMessages.Enabled) return;
        if (accepted > 0) IngestedMessages.Add(accepted, new KeyValuePair<string, object?>("outcome", "accepted"));
        if (duplicates > 0) IngestedMessages.Add(duplicates, new KeyValuePair<string, object?>("outcome", "duplicate"));
        if (rejected > 0) IngestedMessages.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
        if (blocked > 0) IngestedMessages.Add(blocked, new KeyValuePair<string, object?>("outcome", "blocked"));
    }

    /// <summary>Records the seconds since <paramref name="startedAt"/> (a <see cref="Stopwatch.GetTimestamp"/>) on a histogram with one tag.</summary>
    public static void Elapsed(Histogram<double> histogram, long startedAt, string tag, string value)
    {
        if (histogram.Enabled) histogram.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>(tag, value));
    }

    /// <summary>
    /// A step fired <paramref name="fired"/> due timers; the earliest was due at <paramref name="due"/> (the next due
    /// moment known before the step), so its lateness is <paramref name="now"/> minus that.
    /// </summary>
    public static void TimersDue(string stage, int fired, DateTimeOffset? due, DateTimeOffset now)
    {
        if (fired <= 0) return;
        var tag = new KeyValuePair<string, object?>("stage", stage);
        TimersFired.Add(fired, tag);
        if (due is { } at && at <= now && TimerLateness.Enabled) TimerLateness.Record((now - at).TotalSeconds, tag);
    }

    /// <summary>One cache lookup.</summary>
    public static void Cache(string cache, bool hit)
    {
        if (CacheLookups.Enabled)
            CacheLookups.Add(1, new KeyValuePair<string, object?>("cache", cache), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    }

    /// <summary>One delivery attempt's outcome.</summary>
    public static void Delivered(string kind, string outcome)
    {
        if (Deliveries.Enabled)
            Deliveries.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
    }
}
