using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Content;
using Tailor.Core.Events;
using Tailor.Core.Sources;

namespace Tailor.Application.Sources;

/// <summary>
/// Turns one payload of a source into validated events: Shopify's fixed mapping or the source's declared one, then
/// the tracking API's own <see cref="MessageParser"/> (text rules, field rules, time clamped to the receive time).
/// All or nothing: a payload whose mapping fails, or any of whose messages is invalid, raises a
/// <see cref="MappingException"/> naming the field, and the caller sets it aside. Compiled mappings are kept per
/// source version.
/// </summary>
public sealed class InboundMapper(LiquidEngine liquid, MessageParser parser, SourcePolicies? policies = null)
{
    private readonly PayloadMapper _mapper = new(liquid);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Version, PayloadMapping Mapping)> _compiled = new(StringComparer.Ordinal);

    /// <param name="preview">A test with a sample: the source's privacy policy is not applied (nor counted).</param>
    /// <exception cref="MappingException">The payload cannot be mapped, or a message it maps to is invalid.</exception>
    public async Task<InboundBatch> MapAsync(InboundSource source, InboundPayload payload, CancellationToken cancellationToken, bool preview = false)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.Body);
        }
        catch (JsonException e)
        {
            throw new MappingException("body", $"must be valid JSON ({e.Message})");
        }
        using (document)
        {
            IReadOnlyList<JsonObject> messages;
            if (source.Kind == SourceKinds.Shopify)
            {
                if (payload.Topic is not { } topic || !ShopifyMapper.Maps(topic))
                    return new InboundBatch([], [], $"topic \"{payload.Topic}\" is not mapped (Tailor maps {string.Join(", ", ShopifyMapper.Topics)})");
                messages = ShopifyMapper.Map(topic, payload.WebhookId ?? payload.IdBase, document.RootElement);
            }
            else
            {
                messages = await _mapper.MapAsync(Mapping(source), document.RootElement, payload.IdBase, cancellationToken);
            }
            var events = Validate(source.Id, messages, payload.ReceivedAt);
            // The source's privacy policy (pseudonymous or dropped without analytics consent, allow/deny lists), before storage.
            if (policies is not null && !preview) events = await policies.ApplyAsync(source.Id, events, cancellationToken);
            return new InboundBatch(messages, events);
        }
    }

    /// <summary>The source's compiled mapping (compiled once per version of the source).</summary>
    /// <exception cref="MappingException">The stored mapping no longer compiles (a limit lowered since it was saved).</exception>
    public PayloadMapping Mapping(InboundSource source)
    {
        if (_compiled.TryGetValue(source.Id, out var cached) && cached.Version == source.UpdatedAt) return cached.Mapping;
        if (source.Settings.Mapping is not { } definition) throw new MappingException("mapping", "is required: the source has no mapping");
        var (mapping, error) = MappingCompiler.Compile(definition, liquid);
        if (mapping is null) throw new MappingException(error!.Field, error.Rule);
        _compiled[source.Id] = (source.UpdatedAt, mapping);
        return mapping;
    }

    private List<TailorEvent> Validate(string sourceId, IReadOnlyList<JsonObject> messages, DateTimeOffset receivedAt)
    {
        var events = new List<TailorEvent>(messages.Count);
        var arrival = new MessageParser.Arrival(sourceId, receivedAt);
        for (var i = 0; i < messages.Count; i++)
        {
            using var message = JsonDocument.Parse(messages[i].ToJsonString());
            var result = parser.Parse(message.RootElement, null, arrival);
            if (result.Error is { } error) throw new MappingException($"messages[{i}].{error.Field}", error.Rule);
            events.Add(result.Event!);
        }
        return events;
    }
}
