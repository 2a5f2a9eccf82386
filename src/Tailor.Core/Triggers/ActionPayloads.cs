using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Profiles;

namespace Tailor.Core.Triggers;

/// <summary>
/// Turns an action into the JSON stored in the outbox, rendered from the profile as it is when the run reaches the
/// step. Delivery then only sends what was decided, so a retry sends the very same thing.
/// </summary>
public static class ActionPayloads
{
    /// <summary>The payload, or the reason the action cannot run (e.g. no address to send to).</summary>
    public static (string? Payload, string? Problem) Render(TriggerAction action, TriggerCatalog.Compiled trigger, JourneyRun run, string stepId, Profile profile)
    {
        using var document = JsonDocument.Parse(run.StartEvent);
        var start = document.RootElement;
        switch (action)
        {
            case EmailAction email:
            {
                var to = TemplateRenderer.Render(email.To, profile, start).Trim();
                if (to.Length == 0 || !to.Contains('@', StringComparison.Ordinal)) return (null, $"no email address: '{email.To}' rendered '{to}'");
                var payload = new JsonObject
                {
                    ["to"] = to,
                    ["from"] = email.From is null ? null : TemplateRenderer.Render(email.From, profile, start),
                    ["subject"] = email.Subject is null ? null : TemplateRenderer.Render(email.Subject, profile, start),
                };
                if (email.Template is { } template)
                {
                    // Rendered by the content engine when sent, from the profile as it is then and the starting event.
                    payload["template"] = template;
                    payload["event"] = JsonNode.Parse(run.StartEvent);
                }
                else payload["body"] = TemplateRenderer.Render(email.Body!, profile, start);
                return (payload.ToJsonString(), null);
            }
            case WebhookAction hook:
            {
                var traits = new JsonObject();
                foreach (var (name, value) in profile.Traits) traits[name] = JsonNode.Parse(value.Value.GetRawText());
                var body = new JsonObject
                {
                    ["trigger"] = new JsonObject { ["id"] = trigger.Id, ["name"] = trigger.Stored.Name },
                    ["run"] = run.Id,
                    ["step"] = stepId,
                    ["profile"] = new JsonObject { ["id"] = profile.Id, ["traits"] = traits },
                    ["event"] = JsonNode.Parse(run.StartEvent),
                    ["data"] = hook.Data is { } data ? RenderNode(data, profile, start) : null,
                };
                return (new JsonObject
                {
                    ["url"] = hook.Url.ToString(),
                    ["body"] = body.ToJsonString(),
                    ["timeoutMs"] = (long)hook.Timeout.TotalMilliseconds,
                }.ToJsonString(), null);
            }
            case ProfileAction change:
            {
                var set = new JsonObject();
                foreach (var (name, value) in change.Set)
                    set[name] = value.ValueKind == JsonValueKind.String ? TemplateRenderer.Render(value.GetString()!, profile, start) : JsonNode.Parse(value.GetRawText());
                foreach (var name in change.Unset) set[name] = null;
                return (new JsonObject
                {
                    ["traits"] = set,
                    ["addTags"] = new JsonArray([.. change.AddTags.Select(t => (JsonNode)t)]),
                    ["removeTags"] = new JsonArray([.. change.RemoveTags.Select(t => (JsonNode)t)]),
                }.ToJsonString(), null);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "unknown action");
        }
    }

    /// <summary>Renders every string in a JSON value as a template.</summary>
    private static JsonNode? RenderNode(JsonElement value, Profile profile, JsonElement start) => value.ValueKind switch
    {
        JsonValueKind.String => TemplateRenderer.Render(value.GetString()!, profile, start),
        JsonValueKind.Object => new JsonObject(value.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, RenderNode(p.Value, profile, start)))),
        JsonValueKind.Array => new JsonArray([.. value.EnumerateArray().Select(v => RenderNode(v, profile, start))]),
        _ => JsonNode.Parse(value.GetRawText()),
    };
}
