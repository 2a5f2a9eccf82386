using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Content;
using Tailor.Core.Events;

namespace Tailor.Core.Sources;

/// <summary>
/// Checks a mapping definition and compiles it, naming the field and rule of the first problem
/// (<c>mapping.messages[0].event</c>, "must be …"). The language (docs/connectors.md):
/// <code>
/// {"forEach": "$.items",                       // optional: one set of messages per item, the item read as @
///  "messages": [{"type": "track",              // track (default), identify, page, screen, group, alias
///                "event": "Ticket Created",    // a constant,
///                "userId": "$.requester.id",   // a path into the payload ($) or the item (@),
///                "properties": {"subject": {"liquid": "{{ payload.subject | upcase }}"},   // Liquid,
///                               "priority": "$.priority", "count": {"liquid": "{{ payload.n | plus: 1 }}", "as": "number"},
///                               "currency": {"value": "$USD"}},  // a constant that looks like a path
///                "when": "$.requester"}]}      // optional: only when the path finds a value other than false
/// </code>
/// </summary>
public static class MappingCompiler
{
    private static readonly string[] Types = ["track", "identify", "page", "screen", "group", "alias"];
    private static readonly string[] MessageFields = ["event", "name", "userId", "anonymousId", "messageId", "timestamp", "properties", "traits", "context", "groupId", "previousId"];
    private static readonly string[] LiquidTypes = ["string", "number", "boolean"];

    /// <summary>The compiled mapping, or the first problem (its field prefixed with <paramref name="field"/>).</summary>
    public static (PayloadMapping? Mapping, ValidationError? Error) Compile(JsonElement definition, LiquidEngine liquid, string field = "mapping")
    {
        if (definition.ValueKind != JsonValueKind.Object) return (null, new(field, "must be an object with \"messages\""));
        if (System.Text.Encoding.UTF8.GetByteCount(definition.GetRawText()) > SourceLimits.MaxMappingBytes)
            return (null, new(field, $"must be at most {SourceLimits.MaxMappingBytes / 1024} KB"));
        var compiler = new Compiler(liquid);
        try
        {
            return (compiler.Mapping(definition, field), null);
        }
        catch (Invalid e)
        {
            return (null, new(e.Field, e.Rule));
        }
    }

    private sealed class Invalid(string field, string rule) : Exception(rule)
    {
        public string Field { get; } = field;
        public string Rule { get; } = rule;
    }

    private sealed class Compiler(LiquidEngine liquid)
    {
        private int _values;

        public PayloadMapping Mapping(JsonElement definition, string field)
        {
            JsonPath? forEach = null;
            MessageTemplate[]? messages = null;
            foreach (var member in definition.EnumerateObject())
            {
                var at = $"{field}.{member.Name}";
                switch (member.Name)
                {
                    case "forEach":
                        forEach = PathOf(member.Value, at);
                        if (forEach.FromItem) throw new Invalid(at, "must start with $ (forEach reads the payload)");
                        break;
                    case "messages":
                        if (member.Value.ValueKind != JsonValueKind.Array || member.Value.GetArrayLength() == 0)
                            throw new Invalid(at, "must be a non-empty array of messages");
                        if (member.Value.GetArrayLength() > SourceLimits.MaxMessageTemplates)
                            throw new Invalid(at, $"must have at most {SourceLimits.MaxMessageTemplates} messages");
                        messages = [.. member.Value.EnumerateArray().Select((m, i) => Message(m, $"{at}[{i}]", forEach is not null))];
                        break;
                    default:
                        throw new Invalid(at, "is not a mapping field (forEach, messages)");
                }
            }
            if (messages is null) throw new Invalid($"{field}.messages", "is required: a non-empty array of messages");
            // forEach may come after messages in the JSON: check @ paths against the final answer.
            if (forEach is null)
            {
                for (var i = 0; i < messages.Length; i++)
                    if (UsesItem(messages[i]) is { } name) throw new Invalid($"{field}.messages[{i}].{name}", "reads @ (the forEach item) but the mapping has no forEach");
            }
            return new PayloadMapping(forEach, messages);
        }

        private MessageTemplate Message(JsonElement message, string field, bool hasForEach)
        {
            if (message.ValueKind != JsonValueKind.Object) throw new Invalid(field, "must be an object");
            var type = "track";
            JsonPath? when = null;
            var fields = new List<KeyValuePair<string, MappedValue>>();
            foreach (var member in message.EnumerateObject())
            {
                var at = $"{field}.{member.Name}";
                if (member.Name == "type")
                {
                    if (member.Value.ValueKind != JsonValueKind.String || !Types.Contains(member.Value.GetString()))
                        throw new Invalid(at, $"must be one of {string.Join(", ", Types)}");
                    type = member.Value.GetString()!;
                }
                else if (member.Name == "when")
                {
                    when = PathOf(member.Value, at);
                }
                else if (MessageFields.Contains(member.Name))
                {
                    fields.Add(new(member.Name, Value(member.Value, at, 1)));
                }
                else
                {
                    throw new Invalid(at, $"is not a message field ({string.Join(", ", ["type", "when", .. MessageFields])})");
                }
            }
            string[] required = type switch
            {
                "track" => ["event"],
                "group" => ["groupId"],
                "alias" => ["previousId", "userId"],
                _ => [],
            };
            foreach (var name in required)
                if (!fields.Any(f => f.Key == name)) throw new Invalid($"{field}.{name}", $"is required for a {type} message");
            if (!fields.Any(f => f.Key is "userId" or "anonymousId"))
                throw new Invalid($"{field}.userId", "is required (or anonymousId): every message names who it is about");
            _ = hasForEach;
            return new MessageTemplate(type, fields, when);
        }

        private MappedValue Value(JsonElement value, string field, int depth)
        {
            if (++_values > SourceLimits.MaxMappedValues) throw new Invalid(field, $"makes the mapping too large: at most {SourceLimits.MaxMappedValues} mapped values");
            if (depth > SourceLimits.MaxMappingDepth) throw new Invalid(field, $"must be nested at most {SourceLimits.MaxMappingDepth} levels deep");
            switch (value.ValueKind)
            {
                case JsonValueKind.String when JsonPath.LooksLikePath(value.GetString()!):
                    return new MappedValue.Path(PathOf(value, field));
                case JsonValueKind.Object when value.TryGetProperty("liquid", out var source):
                    return LiquidOf(value, source, field);
                case JsonValueKind.Object when value.TryGetProperty("value", out var constant) && Count(value) == 1:
                    return new MappedValue.Constant(JsonNode.Parse(constant.GetRawText()));
                case JsonValueKind.Object:
                    return new MappedValue.Members([.. value.EnumerateObject().Select(m => new KeyValuePair<string, MappedValue>(m.Name, Value(m.Value, $"{field}.{m.Name}", depth + 1)))]);
                case JsonValueKind.Array:
                    return new MappedValue.Items([.. value.EnumerateArray().Select((v, i) => Value(v, $"{field}[{i}]", depth + 1))]);
                default:
                    return new MappedValue.Constant(JsonNode.Parse(value.GetRawText()));
            }
        }

        private MappedValue.Liquid LiquidOf(JsonElement value, JsonElement source, string field)
        {
            var type = "string";
            foreach (var member in value.EnumerateObject())
            {
                if (member.Name == "as")
                {
                    if (member.Value.ValueKind != JsonValueKind.String || !LiquidTypes.Contains(member.Value.GetString()))
                        throw new Invalid($"{field}.as", $"must be one of {string.Join(", ", LiquidTypes)}");
                    type = member.Value.GetString()!;
                }
                else if (member.Name != "liquid")
                {
                    throw new Invalid($"{field}.{member.Name}", "is not allowed beside liquid (only \"as\")");
                }
            }
            if (source.ValueKind != JsonValueKind.String) throw new Invalid($"{field}.liquid", "must be a string of Liquid");
            if (!liquid.TryParseTemplate(source.GetString()!, out var template, out var error))
                throw new Invalid($"{field}.liquid", $"must be valid Liquid: {error}");
            return new MappedValue.Liquid(template, type);
        }

        private static JsonPath PathOf(JsonElement value, string field)
        {
            if (value.ValueKind != JsonValueKind.String) throw new Invalid(field, "must be a path such as $.customer.email");
            return JsonPath.TryParse(value.GetString()!, out var path, out var rule) ? path : throw new Invalid(field, rule);
        }

        private static int Count(JsonElement value)
        {
            var n = 0;
            foreach (var _ in value.EnumerateObject()) n++;
            return n;
        }

        private static string? UsesItem(MessageTemplate message)
        {
            if (message.When is { FromItem: true }) return "when";
            foreach (var (name, value) in message.Fields)
                if (ReadsItem(value)) return name;
            return null;
        }

        private static bool ReadsItem(MappedValue value) => value switch
        {
            MappedValue.Path p => p.At.FromItem,
            MappedValue.Members m => m.Fields.Any(f => ReadsItem(f.Value)),
            MappedValue.Items i => i.Values.Any(ReadsItem),
            _ => false,
        };
    }
}
