using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Content;

namespace Tailor.Core.Sources;

/// <summary>
/// Applies a <see cref="PayloadMapping"/> to one payload: the Segment messages it makes, not yet validated (the caller
/// puts them through the tracking API's <c>MessageParser</c>). Liquid runs on the shared engine under its render budget.
/// A message without a mapped <c>messageId</c> gets one derived from <c>idBase</c> (a hash of the body, or the row's
/// key and cursor), so the same payload sent twice makes the same ids and the log stores it once.
/// </summary>
public sealed class PayloadMapper(LiquidEngine liquid)
{
    /// <exception cref="MappingException">A value could not be made (Liquid failed, a number did not parse, too many items).</exception>
    public async Task<IReadOnlyList<JsonObject>> MapAsync(PayloadMapping mapping, JsonElement payload, string idBase, CancellationToken cancellationToken)
    {
        var messages = new List<JsonObject>();
        var model = new Lazy<object?>(() => Plain(payload));
        if (mapping.ForEach is { } forEach)
        {
            if (forEach.Read(payload, null) is not { } items) return messages;
            if (items.ValueKind != JsonValueKind.Array) throw new MappingException("forEach", $"must find an array at {forEach}, not a {items.ValueKind.ToString().ToLowerInvariant()}");
            if (items.GetArrayLength() > SourceLimits.MaxForEachItems) throw new MappingException("forEach", $"found {items.GetArrayLength()} items; at most {SourceLimits.MaxForEachItems} are mapped");
            var index = 0;
            foreach (var item in items.EnumerateArray())
                await AddAsync(mapping, payload, item, $"{idBase}-{index++}", model, messages, cancellationToken);
        }
        else
        {
            await AddAsync(mapping, payload, null, idBase, model, messages, cancellationToken);
        }
        return messages;
    }

    private async Task AddAsync(PayloadMapping mapping, JsonElement payload, JsonElement? item, string idBase, Lazy<object?> model, List<JsonObject> messages,
        CancellationToken ct)
    {
        var scope = new Scope(payload, item, model, item is { } i ? new Lazy<object?>(() => Plain(i)) : null);
        for (var t = 0; t < mapping.Messages.Count; t++)
        {
            var template = mapping.Messages[t];
            if (template.When is { } when && when.Read(payload, item) is not { ValueKind: not JsonValueKind.False }) continue;
            if (messages.Count == SourceLimits.MaxMessagesPerPayload)
                throw new MappingException("messages", $"the payload makes more than {SourceLimits.MaxMessagesPerPayload} messages");
            var message = new JsonObject { ["type"] = template.Type };
            foreach (var (name, value) in template.Fields)
            {
                var made = await EvaluateAsync(value, scope, $"messages[{t}].{name}", ct);
                if (made is not null) message[name] = made;
            }
            var id = message["messageId"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : message["messageId"]?.ToJsonString() ?? idBase;
            message["messageId"] = mapping.Messages.Count > 1 ? $"{id}-{t}" : id;
            messages.Add(message);
        }
    }

    private sealed record Scope(JsonElement Payload, JsonElement? Item, Lazy<object?> PayloadModel, Lazy<object?>? ItemModel);

    private async Task<JsonNode?> EvaluateAsync(MappedValue value, Scope scope, string field, CancellationToken ct)
    {
        switch (value)
        {
            case MappedValue.Path path:
                return path.At.Read(scope.Payload, scope.Item) is { } found ? JsonSerializer.SerializeToNode(found) : null;
            case MappedValue.Constant constant:
                return constant.Value?.DeepClone();
            case MappedValue.Members members:
                var obj = new JsonObject();
                foreach (var (name, member) in members.Fields)
                    if (await EvaluateAsync(member, scope, $"{field}.{name}", ct) is { } made) obj[name] = made;
                return obj;
            case MappedValue.Items items:
                var array = new JsonArray();
                for (var i = 0; i < items.Values.Count; i++) array.Add(await EvaluateAsync(items.Values[i], scope, $"{field}[{i}]", ct));
                return array;
            case MappedValue.Liquid expression:
                var data = new Dictionary<string, object?>(StringComparer.Ordinal) { ["payload"] = scope.PayloadModel.Value };
                if (scope.ItemModel is { } itemModel) data["item"] = itemModel.Value;
                string text;
                try
                {
                    text = await liquid.RenderPlainAsync(expression.Template, data, CultureInfo.InvariantCulture, cancellationToken: ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new MappingException(field, $"the Liquid expression failed: {e.Message}");
                }
                return Typed(text.Trim(), expression.As, field);
            default:
                throw new InvalidOperationException($"unknown mapped value {value.GetType().Name}");
        }
    }

    private static JsonNode? Typed(string text, string type, string field)
    {
        switch (type)
        {
            case "number":
                if (text.Length == 0) return null;
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number) : throw new MappingException(field, $"must render a number, not \"{Shorten(text)}\"");
            case "boolean":
                if (text.Length == 0) return null;
                return bool.TryParse(text, out var flag) ? JsonValue.Create(flag) : throw new MappingException(field, $"must render true or false, not \"{Shorten(text)}\"");
            default:
                return text.Length == 0 ? null : JsonValue.Create(text);
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>The payload as plain values Liquid reads (objects as dictionaries, arrays as lists, numbers as decimals).</summary>
    internal static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (d, p) => { d[p.Name] = Plain(p.Value); return d; }),
        JsonValueKind.Array => element.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetDecimal(out var d) ? d : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
