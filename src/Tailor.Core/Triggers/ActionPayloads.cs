using System.Text.Json;
using System.Text.Json.Nodes;
using Tailor.Core.Content;
using Tailor.Core.Delivery;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Core.Triggers;

/// <summary>
/// Turns an action into the typed payload stored in the outbox when the run reaches the step. What identifies and
/// carries the action is filled then with Liquid (the same engine and budget as every template): an email's address,
/// a webhook's data, a profile change's values, so a retry sends the very same thing. What an email says (from,
/// subject, body or template) is rendered when it is sent, from the profile as it is then.
/// </summary>
public sealed class ActionPayloads(LiquidEngine liquid)
{
    private static readonly IReadOnlySet<string> NoSegments = new HashSet<string>();

    /// <summary>The payload, or the reason the action cannot run (e.g. no address to send to).</summary>
    /// <param name="at">When the run reached the step (the templates' <c>context.now</c>).</param>
    public async ValueTask<(DeliveryPayload? Payload, string? Problem)> RenderAsync(TriggerAction action, TriggerCatalog.Compiled trigger, JourneyRun run,
        string stepId, Profile profile, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(run.StartEvent);
        var start = document.RootElement;
        var scope = new RenderScope
        {
            Facts = new ProfileFacts(profile, [], NoSegments, NoPopulationStats.Instance),
            Now = at,
            Globals = TriggerScope.Globals(trigger.Id, trigger.Stored.Name, start),
        };
        try
        {
            switch (action)
            {
                case EmailAction email:
                {
                    var to = (await TextAsync(email.To, "to", scope, cancellationToken)).Trim();
                    if (to.Length == 0 || !to.Contains('@', StringComparison.Ordinal)) return (null, $"no email address: '{email.To}' rendered '{to}'");
                    return (new EmailPayload(to, email.From, email.Subject, email.Body, email.Template, start.Clone(), Liquid: true), null);
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
                        ["data"] = hook.Data is { } data ? await NodeAsync(data, "data", scope, cancellationToken) : null,
                    };
                    return (new WebhookPayload(hook.Url.ToString(), body.ToJsonString(), (long)hook.Timeout.TotalMilliseconds, hook.Purpose), null);
                }
                case ProfileAction change:
                {
                    var set = new JsonObject();
                    foreach (var (name, value) in change.Set)
                        set[name] = value.ValueKind == JsonValueKind.String ? await TextAsync(value.GetString()!, $"set.{name}", scope, cancellationToken) : JsonNode.Parse(value.GetRawText());
                    foreach (var name in change.Unset) set[name] = null;
                    return (new ProfileChangePayload(set, change.AddTags, change.RemoveTags), null);
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(action), action, "unknown action");
            }
        }
        catch (TemplateProblem problem)
        {
            return (null, problem.Message);
        }
    }

    private async ValueTask<string> TextAsync(string source, string field, RenderScope scope, CancellationToken ct)
    {
        if (!source.Contains("{{", StringComparison.Ordinal) && !source.Contains("{%", StringComparison.Ordinal)) return source;
        if (!liquid.TryParseTemplate(source, out var template, out var error))
            throw new TemplateProblem($"{field} does not parse: {error.Message} (line {error.Line}, column {error.Column})");
        try
        {
            return await liquid.RenderTextAsync(template, scope, field, ct);
        }
        catch (TemplateRenderException e)
        {
            throw new TemplateProblem(e.Message);
        }
    }

    /// <summary>Renders every string in a JSON value as a template.</summary>
    private async ValueTask<JsonNode?> NodeAsync(JsonElement value, string field, RenderScope scope, CancellationToken ct)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return await TextAsync(value.GetString()!, field, scope, ct);
            case JsonValueKind.Object:
            {
                var node = new JsonObject();
                foreach (var p in value.EnumerateObject()) node[p.Name] = await NodeAsync(p.Value, $"{field}.{p.Name}", scope, ct);
                return node;
            }
            case JsonValueKind.Array:
            {
                var node = new JsonArray();
                var i = 0;
                foreach (var item in value.EnumerateArray()) node.Add(await NodeAsync(item, $"{field}[{i++}]", scope, ct));
                return node;
            }
            default:
                return JsonNode.Parse(value.GetRawText());
        }
    }

    /// <summary>A template of the action that does not parse or render: the action fails with this reason.</summary>
    private sealed class TemplateProblem(string message) : Exception(message);
}
