using System.IO.Pipelines;
using System.Text.Json;
using Tailor.Core.Events;
using Tailor.Core.Profiles;
using Tailor.Core.Storage;

namespace Tailor.Application.Privacy;

/// <summary>
/// Everything Tailor holds on one person, as one JSON document (the right of access, docs/privacy.md): the profile
/// with its identities, traits, computed traits, scores, tags and consent; trait history; consent history; merges; segments with their
/// entries and exits; journeys with their execution logs; campaign sends; experiment exposures; recommendations; and
/// every event (opens and clicks are events). Written as it is read, so a long history never sits in memory.
/// </summary>
public sealed class SubjectExport(IProfileStore profiles, IEventLog log, ISegmentStore segments, ITriggerStore triggers, ICampaignStore campaigns,
    IExperimentStore experiments, IRecommendationStore recommendations, TimeProvider time, IPrivacyStore? privacy = null)
{
    /// <summary>Events read per page (newest first), flushed to the output after each.</summary>
    public const int EventPage = 1000;

    private const int MaxHistory = 100_000;

    /// <summary>Writes the document for <paramref name="profile"/> (found with <c>ProfileOperations.LookupAsync</c>) to <paramref name="output"/>.</summary>
    /// <remarks>
    /// The JSON goes through a pipe: the serializer flushes its writer synchronously, which a response body refuses, so
    /// it only ever fills the pipe's memory and each section is then sent with an asynchronous flush.
    /// </remarks>
    public async Task WriteAsync(Profile profile, Stream output, JsonSerializerOptions options, CancellationToken ct)
    {
        var pipe = PipeWriter.Create(output, new StreamPipeWriterOptions(leaveOpen: true));
        await using (var json = new Utf8JsonWriter(pipe, new JsonWriterOptions { Indented = true, Encoder = options.Encoder }))
            await WriteAsync(profile, json, () => pipe.FlushAsync(ct), options, ct);
        await pipe.CompleteAsync();
    }

    private async Task WriteAsync(Profile profile, Utf8JsonWriter json, Func<ValueTask<FlushResult>> send, JsonSerializerOptions options, CancellationToken ct)
    {
        async Task FlushAsync()
        {
            json.Flush(); // into the pipe's memory: no I/O
            await send();
        }
        var id = profile.Id;
        json.WriteStartObject();
        json.WriteString("exportedAt", time.GetUtcNow());
        json.WriteString("profileId", id);
        Write(json, "profile", profile, options);
        Write(json, "traitHistory", await profiles.TraitHistoryAsync(id, null, ct), options);
        if (privacy is not null) Write(json, "consentHistory", await privacy.ConsentHistoryAsync(id, ConsentHistory.MaxChanges, ct), options);
        Write(json, "merges", await profiles.MergesAsync(id, ct), options);
        var names = (await segments.ListSegmentsAsync(ct)).ToDictionary(d => d.Id, d => d.Name);
        Write(json, "segments", (await segments.MembershipsAsync(id, ct)).Order(StringComparer.Ordinal).Select(s => new { id = s, name = names.GetValueOrDefault(s) }), options);
        Write(json, "membershipHistory", await segments.MembershipHistoryAsync(id, null, MaxHistory, ct), options);
        await WriteJourneysAsync(json, id, options, ct);
        await WriteCampaignsAsync(json, id, options, ct);
        await WriteExposuresAsync(json, id, options, ct);
        Write(json, "recommendations", await recommendations.ForProfileAsync(id, 100, null, ct), options);
        await FlushAsync();
        await WriteEventsAsync(json, id, FlushAsync, ct);
        json.WriteEndObject();
        await FlushAsync();
    }

    private async Task WriteJourneysAsync(Utf8JsonWriter json, string profileId, JsonSerializerOptions options, CancellationToken ct)
    {
        json.WriteStartArray("journeys");
        foreach (var trigger in await triggers.ListTriggersAsync(ct))
        {
            var runs = await triggers.RunsAsync(trigger.Id, profileId, MaxHistory, ct);
            if (runs.Count == 0) continue;
            var logs = await triggers.ExecutionLogAsync([.. runs.Select(r => r.Id)], ct);
            foreach (var run in runs)
                JsonSerializer.Serialize(json, new { trigger = trigger.Name, run, log = logs.Where(l => l.RunId == run.Id) }, options);
        }
        json.WriteEndArray();
    }

    private async Task WriteCampaignsAsync(Utf8JsonWriter json, string profileId, JsonSerializerOptions options, CancellationToken ct)
    {
        json.WriteStartArray("campaigns");
        foreach (var campaign in await campaigns.ListCampaignsAsync(ct))
            if (await campaigns.RecipientAsync(campaign.Id, profileId, ct) is { } outcome)
                JsonSerializer.Serialize(json, new { campaign = campaign.Name, campaignId = campaign.Id, outcome.Status, outcome.Detail, outcome.At }, options);
        json.WriteEndArray();
    }

    private async Task WriteExposuresAsync(Utf8JsonWriter json, string profileId, JsonSerializerOptions options, CancellationToken ct)
    {
        json.WriteStartArray("experimentExposures");
        foreach (var experiment in await experiments.ListExperimentsAsync(ct))
            foreach (var exposure in await experiments.ExposuresAsync(experiment.Definition.Key, profileId, ct))
                JsonSerializer.Serialize(json, exposure, options);
        json.WriteEndArray();
    }

    private async Task WriteEventsAsync(Utf8JsonWriter json, string profileId, Func<Task> flush, CancellationToken ct)
    {
        json.WriteStartArray("events");
        long? before = null;
        while (true)
        {
            var page = await log.ProfileEventsAsync(new EventQuery(profileId, Before: before, Limit: EventPage), ct);
            foreach (var logged in page)
            {
                var e = logged.Event;
                json.WriteStartObject();
                json.WriteNumber("sequence", logged.Sequence);
                json.WriteString("messageId", e.MessageId);
                json.WriteString("type", e.Type.ToWire());
                if (e.Name is not null) json.WriteString("name", e.Name);
                json.WriteString("timestamp", e.Timestamp);
                json.WriteString("receivedAt", e.ReceivedAt);
                json.WriteString("source", e.SourceId);
                json.WritePropertyName("payload");
                json.WriteRawValue(e.Payload, skipInputValidation: true); // stored only after validation as JSON
                json.WriteEndObject();
            }
            await flush();
            if (page.Count < EventPage) break;
            before = page[^1].Sequence;
        }
        json.WriteEndArray();
    }

    private static void Write<T>(Utf8JsonWriter json, string name, T value, JsonSerializerOptions options)
    {
        json.WritePropertyName(name);
        JsonSerializer.Serialize(json, value, options);
    }
}
