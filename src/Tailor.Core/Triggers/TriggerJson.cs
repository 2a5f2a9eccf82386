using System.Globalization;
using System.Text.Json;
using Tailor.Core.Limits;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Rules;
using Tailor.Core.Segments.Text;

namespace Tailor.Core.Triggers;

/// <summary>
/// Reads the JSON form of a trigger (docs/triggers.md). Every error names the JSON path and the rule it broke, e.g.
/// <c>$.steps[1].if: line 1, column 11: expected an event name in quotes, found 'Order'</c>; an unknown field is an
/// error so that a typo cannot silently change what a trigger does.
/// </summary>
public static class TriggerJson
{
    public static TriggerDefinition Parse(string json, DefinitionLimits? limits = null)
    {
        limits ??= DefinitionLimits.Default;
        if (json.Length > limits.MaxTriggerBytes || System.Text.Encoding.UTF8.GetByteCount(json) > limits.MaxTriggerBytes)
            throw new TriggerDefinitionException("$", SizeMessage(limits));
        try
        {
            // The reader's own depth limit stays above any configurable one, so a deep document gets our message rather than the reader's.
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = DefinitionLimits.Ceiling.MaxTriggerDepth + 1 });
            return Parse(document.RootElement, limits);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException) // ArgumentException: text that is not valid UTF-16
        {
            throw new TriggerDefinitionException("$", $"must be valid JSON ({ex.Message})");
        }
    }

    private static string SizeMessage(DefinitionLimits limits) => $"must be at most {limits.MaxTriggerBytes} bytes of JSON (limit MaxTriggerBytes)";

    /// <summary>Reads a definition; one larger, deeper or with more steps than <paramref name="limits"/> allow is refused first.</summary>
    /// <exception cref="TriggerDefinitionException">Invalid or over a limit; names the JSON path and the rule.</exception>
    public static TriggerDefinition Parse(JsonElement root, DefinitionLimits? limits = null)
    {
        limits ??= DefinitionLimits.Default;
        if (JsonDepth.Of(root, limits.MaxTriggerDepth) > limits.MaxTriggerDepth)
            throw new TriggerDefinitionException("$", $"must nest at most {limits.MaxTriggerDepth} levels deep (limit MaxTriggerDepth)");
        if (System.Text.Encoding.UTF8.GetByteCount(root.GetRawText()) > limits.MaxTriggerBytes) throw new TriggerDefinitionException("$", SizeMessage(limits));
        try
        {
            return ParseWithin(root, limits);
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses to read a name or string holding a lone UTF-16 surrogate escape.
            throw new TriggerDefinitionException("$", $"must not hold a lone UTF-16 surrogate escape such as \\ud800 ({ex.Message})");
        }
    }

    private static TriggerDefinition ParseWithin(JsonElement root, DefinitionLimits limits)
    {
        Object(root, "$", "name", "start", "steps", "goal", "reentry", "caps", "quietHours");
        var name = RequiredString(root, "$", "name");
        var start = ParseStart(Required(root, "$", "start"), "$.start", limits);
        var stepsElement = Required(root, "$", "steps");
        if (stepsElement.ValueKind != JsonValueKind.Array || stepsElement.GetArrayLength() == 0)
            throw new TriggerDefinitionException("$.steps", "must be a non-empty array of steps");
        if (stepsElement.GetArrayLength() > limits.MaxTriggerSteps)
            throw new TriggerDefinitionException("$.steps", $"must hold at most {limits.MaxTriggerSteps} steps (limit MaxTriggerSteps)");
        var steps = new List<JourneyStep>();
        var i = 0;
        foreach (var step in stepsElement.EnumerateArray()) steps.Add(ParseStep(step, $"$.steps[{i}]", i++, limits));
        CheckTargets(steps);
        var goal = OptionalString(root, "$", "goal");
        var reentry = root.TryGetProperty("reentry", out var r) ? ParseReentry(r, "$.reentry") : ReentryPolicy.Always;
        var caps = root.TryGetProperty("caps", out var c) ? ParseCaps(c, "$.caps") : [];
        var quiet = root.TryGetProperty("quietHours", out var q) ? ParseQuietHours(q, "$.quietHours") : null;
        return new TriggerDefinition(name, start, steps, goal, reentry, caps, quiet);
    }

    private static TriggerStart ParseStart(JsonElement e, string path, DefinitionLimits limits)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException(path, "must be an object: {\"event\": ...}, {\"segment\": ...} or {\"schedule\": ...}");
        if (e.TryGetProperty("event", out _))
        {
            Object(e, path, "event", "if");
            return new EventStart(RequiredString(e, path, "event"), e.TryGetProperty("if", out var rule) ? ParseRule(rule, $"{path}.if", limits) : null);
        }
        if (e.TryGetProperty("segment", out _))
        {
            Object(e, path, "segment", "on");
            var on = OptionalString(e, path, "on") ?? "entry";
            if (on is not ("entry" or "exit")) throw new TriggerDefinitionException($"{path}.on", "must be \"entry\" or \"exit\"");
            return new SegmentStart(RequiredString(e, path, "segment"), on == "entry");
        }
        if (e.TryGetProperty("schedule", out _))
        {
            Object(e, path, "schedule", "if");
            return new ScheduleStart(Duration(Required(e, path, "schedule"), $"{path}.schedule"), ParseRule(Required(e, path, "if"), $"{path}.if", limits));
        }
        throw new TriggerDefinitionException(path, "must have one of \"event\", \"segment\" or \"schedule\"");
    }

    private static JourneyStep ParseStep(JsonElement e, string path, int index, DefinitionLimits limits)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException(path, "must be a step object: wait, if, action or exit");
        var id = e.TryGetProperty("id", out _) ? RequiredString(e, path, "id") : (index + 1).ToString(CultureInfo.InvariantCulture);
        if (id is StepTargets.Next or StepTargets.Exit) throw new TriggerDefinitionException($"{path}.id", $"must not be \"{id}\", which is a target of its own");
        if (e.TryGetProperty("wait", out var wait))
        {
            Object(e, path, "id", "wait", "until", "onEvent", "onTimeout");
            var until = OptionalString(e, path, "until");
            if (until is null && (e.TryGetProperty("onEvent", out _)))
                throw new TriggerDefinitionException($"{path}.onEvent", "needs \"until\": the event that ends the wait");
            return new WaitStep(id, Duration(wait, $"{path}.wait"), until,
                Target(e, path, "onEvent", StepTargets.Next), Target(e, path, "onTimeout", StepTargets.Next));
        }
        if (e.TryGetProperty("if", out var rule))
        {
            Object(e, path, "id", "if", "then", "else");
            return new ConditionStep(id, ParseRule(rule, $"{path}.if", limits), Target(e, path, "then", StepTargets.Next), Target(e, path, "else", StepTargets.Exit));
        }
        if (e.TryGetProperty("action", out var action))
        {
            Object(e, path, "id", "action");
            return new ActionStep(id, ParseAction(action, $"{path}.action", limits));
        }
        if (e.TryGetProperty("experiment", out var experiment))
        {
            Object(e, path, "id", "experiment");
            if (experiment.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException($"{path}.experiment", "must be an object: {\"otherwise\": \"next\"}");
            Object(experiment, $"{path}.experiment", "otherwise");
            return new ExperimentStep(id, Target(experiment, $"{path}.experiment", "otherwise", StepTargets.Next));
        }
        if (e.TryGetProperty("exit", out _))
        {
            Object(e, path, "id", "exit");
            return new ExitStep(id, RequiredString(e, path, "exit"));
        }
        throw new TriggerDefinitionException(path, "must have one of \"wait\", \"if\", \"action\", \"experiment\" or \"exit\"");
    }

    private static TriggerAction ParseAction(JsonElement e, string path, DefinitionLimits limits)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException(path, "must be an object: {\"email\": ...}, {\"webhook\": ...} or {\"profile\": ...}");
        if (e.TryGetProperty("email", out var email))
        {
            Object(e, path, "email");
            path += ".email";
            Object(email, path, "to", "from", "subject", "body", "template");
            var to = OptionalString(email, path, "to") ?? EmailAction.DefaultTo;
            if (OptionalString(email, path, "template") is { } template)
            {
                if (email.TryGetProperty("body", out _))
                    throw new TriggerDefinitionException($"{path}.body", "must not be given with \"template\": the template is the body");
                return new EmailAction(to, OptionalString(email, path, "from"), OptionalString(email, path, "subject"), null, template);
            }
            var body = RequiredString(email, path, "body");
            if (System.Text.Encoding.UTF8.GetByteCount(body) > limits.MaxTemplateBytes)
                throw new TriggerDefinitionException($"{path}.body", $"must be at most {limits.MaxTemplateBytes} bytes (limit MaxTemplateBytes)");
            return new EmailAction(to, OptionalString(email, path, "from"), RequiredString(email, path, "subject"), body);
        }
        if (e.TryGetProperty("webhook", out var hook))
        {
            Object(e, path, "webhook");
            path += ".webhook";
            Object(hook, path, "url", "data", "purpose", "maxAttempts", "timeout");
            var url = RequiredString(hook, path, "url");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new TriggerDefinitionException($"{path}.url", "must be an absolute http or https URL");
            if (uri.UserInfo.Length > 0)
                throw new TriggerDefinitionException($"{path}.url", "must not contain credentials (user:password@); the receiver verifies the signature instead");
            JsonElement? data = null;
            if (hook.TryGetProperty("data", out var d))
            {
                if (d.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException($"{path}.data", "must be a JSON object");
                data = d.Clone();
            }
            var attempts = WebhookAction.DefaultMaxAttempts;
            if (hook.TryGetProperty("maxAttempts", out var a) && (a.ValueKind != JsonValueKind.Number || !a.TryGetInt32(out attempts) || attempts is < 1 or > 20))
                throw new TriggerDefinitionException($"{path}.maxAttempts", "must be a whole number from 1 to 20");
            var timeout = hook.TryGetProperty("timeout", out var t) ? Duration(t, $"{path}.timeout") : TimeSpan.FromSeconds(10);
            if (timeout > WebhookAction.MaxTimeout) throw new TriggerDefinitionException($"{path}.timeout", "must be at most 2m");
            var purpose = ConsentPurposes.Normalize(OptionalString(hook, path, "purpose") ?? WebhookAction.DefaultPurpose);
            return new WebhookAction(uri, data, purpose, attempts, timeout);
        }
        if (e.TryGetProperty("profile", out var profile))
        {
            Object(e, path, "profile");
            path += ".profile";
            Object(profile, path, "set", "unset", "addTags", "removeTags");
            var set = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (profile.TryGetProperty("set", out var s))
            {
                if (s.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException($"{path}.set", "must map trait names to values");
                foreach (var p in s.EnumerateObject()) set[p.Name] = p.Value.Clone();
            }
            var unset = Strings(profile, path, "unset");
            var add = Tags(profile, path, "addTags");
            var remove = Tags(profile, path, "removeTags");
            if (set.Count + unset.Count + add.Count + remove.Count == 0)
                throw new TriggerDefinitionException(path, "must set, unset, add or remove at least one trait or tag");
            return new ProfileAction(set, unset, add, remove);
        }
        throw new TriggerDefinitionException(path, "must have one of \"email\", \"webhook\" or \"profile\"");
    }

    private static ReentryPolicy ParseReentry(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return e.GetString() switch
            {
                "always" => ReentryPolicy.Always,
                "never" => ReentryPolicy.Never,
                _ => throw new TriggerDefinitionException(path, "must be \"always\", \"never\" or {\"after\": duration}"),
            };
        }
        if (e.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException(path, "must be \"always\", \"never\" or {\"after\": duration}");
        Object(e, path, "after");
        return new ReentryPolicy(true, Duration(Required(e, path, "after"), $"{path}.after"));
    }

    private static List<TriggerCap> ParseCaps(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Array) throw new TriggerDefinitionException(path, "must be an array of {\"max\": n, \"per\": duration}");
        var caps = new List<TriggerCap>();
        var i = 0;
        foreach (var cap in e.EnumerateArray())
        {
            var p = $"{path}[{i++}]";
            caps.Add(ParseCap(cap, p));
        }
        return caps;
    }

    /// <summary>Reads one cap object <c>{"max": 1, "per": "7d", "channel": "email"}</c> (also used for global caps).</summary>
    public static TriggerCap ParseCap(JsonElement cap, string path)
    {
        Object(cap, path, "max", "per", "channel");
        var max = Required(cap, path, "max");
        if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out var n) || n < 1)
            throw new TriggerDefinitionException($"{path}.max", "must be a whole number of at least 1");
        var channel = OptionalString(cap, path, "channel");
        if (channel is not (null or "email" or "sms" or "webhook"))
            throw new TriggerDefinitionException($"{path}.channel", "must be \"email\", \"sms\" or \"webhook\"");
        return new TriggerCap(n, Duration(Required(cap, path, "per"), $"{path}.per"), channel);
    }

    private static QuietHours ParseQuietHours(JsonElement e, string path)
    {
        Object(e, path, "from", "to", "timezone");
        var from = Time(e, path, "from");
        var to = Time(e, path, "to");
        if (from == to) throw new TriggerDefinitionException($"{path}.to", "must differ from \"from\"");
        var zone = OptionalString(e, path, "timezone") ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            throw new TriggerDefinitionException($"{path}.timezone", $"must be an IANA timezone such as Europe/Paris; '{zone}' is unknown");
        return new QuietHours(from, to, zone);
    }

    private static TimeOnly Time(JsonElement e, string path, string field)
    {
        var text = RequiredString(e, path, field);
        if (!TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            throw new TriggerDefinitionException($"{path}.{field}", "must be a time of day as HH:mm, e.g. 21:00");
        return time;
    }

    private static Rule ParseRule(JsonElement e, string path, DefinitionLimits limits)
    {
        try
        {
            return e.ValueKind switch
            {
                JsonValueKind.String => RuleParser.Parse(e.GetString()!, limits),
                JsonValueKind.Object => RuleJson.FromJson(e, path, limits),
                _ => throw new TriggerDefinitionException(path, "must be a rule: text (docs/rules.md) or its JSON form"),
            };
        }
        catch (RuleSyntaxException ex)
        {
            throw new TriggerDefinitionException(path, ex.Message);
        }
        catch (RuleJsonException ex)
        {
            throw new TriggerDefinitionException(ex.Path, ex.Rule);
        }
    }

    /// <summary>Every target names a later step (so a run visits each step at most once), <c>next</c> or <c>exit</c>.</summary>
    private static void CheckTargets(List<JourneyStep> steps)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
            if (!seen.Add(steps[i].Id)) throw new TriggerDefinitionException($"$.steps[{i}].id", $"must be unique; '{steps[i].Id}' is used twice");
        for (var i = 0; i < steps.Count; i++)
        {
            foreach (var (field, target) in Targets(steps[i]))
            {
                if (target is StepTargets.Next or StepTargets.Exit) continue;
                var at = steps.FindIndex(s => s.Id == target);
                if (at < 0) throw new TriggerDefinitionException($"$.steps[{i}].{field}", $"must name a step id, \"next\" or \"exit\"; there is no step '{target}'");
                if (at <= i) throw new TriggerDefinitionException($"$.steps[{i}].{field}", $"must name a later step (journeys do not loop); '{target}' comes before");
            }
        }
    }

    private static IEnumerable<(string Field, string Target)> Targets(JourneyStep step) => step switch
    {
        WaitStep w => [("onEvent", w.OnEvent), ("onTimeout", w.OnTimeout)],
        ConditionStep c => [("then", c.Then), ("else", c.Else)],
        ExperimentStep x => [("experiment.otherwise", x.Otherwise)],
        _ => [],
    };

    private static readonly string[] DurationUnits = ["s", "m", "h", "d", "w"];

    /// <summary>A duration such as <c>30s</c>, <c>30m</c>, <c>48h</c>, <c>7d</c> or <c>2w</c>: a whole number above 0, at most 3,650 days.</summary>
    public static TimeSpan Duration(JsonElement e, string path)
    {
        const string rule = "must be a whole number of seconds, minutes, hours, days or weeks such as 30s, 30m, 48h, 7d or 2w";
        if (e.ValueKind != JsonValueKind.String) throw new TriggerDefinitionException(path, rule);
        return TryDuration(e.GetString()!, out var d) ? d : throw new TriggerDefinitionException(path, rule);
    }

    public static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2 || Array.IndexOf(DurationUnits, text[^1..]) < 0) return false;
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        var seconds = text[^1] switch { 's' => 1L, 'm' => 60L, 'h' => 3600L, 'd' => 86_400L, _ => 604_800L };
        if (n > 3650L * 86_400L / seconds) return false;
        duration = TimeSpan.FromSeconds(n * seconds);
        return true;
    }

    private static string Target(JsonElement e, string path, string field, string fallback) => OptionalString(e, path, field) ?? fallback;

    private static List<string> Strings(JsonElement e, string path, string field)
    {
        if (!e.TryGetProperty(field, out var array)) return [];
        if (array.ValueKind != JsonValueKind.Array) throw new TriggerDefinitionException($"{path}.{field}", "must be an array of strings");
        var list = new List<string>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } s)
                throw new TriggerDefinitionException($"{path}.{field}[{i}]", "must be a non-empty string");
            list.Add(s);
            i++;
        }
        return list;
    }

    private static List<string> Tags(JsonElement e, string path, string field)
    {
        var tags = Strings(e, path, field);
        for (var i = 0; i < tags.Count; i++)
            tags[i] = Profiles.Tags.Normalize(tags[i]) ?? throw new TriggerDefinitionException($"{path}.{field}[{i}]", "must have at least one non-empty tag level");
        return tags;
    }

    private static void Object(JsonElement e, string path, params string[] allowed)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new TriggerDefinitionException(path, "must be a JSON object");
        foreach (var p in e.EnumerateObject())
            if (Array.IndexOf(allowed, p.Name) < 0)
                throw new TriggerDefinitionException($"{path}.{p.Name}", $"is not a field here; expected one of {string.Join(", ", allowed)}");
    }

    private static JsonElement Required(JsonElement e, string path, string field) =>
        e.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : throw new TriggerDefinitionException($"{path}.{field}", "is required");

    private static string RequiredString(JsonElement e, string path, string field) =>
        OptionalString(e, path, field) ?? throw new TriggerDefinitionException($"{path}.{field}", "is required");

    private static string? OptionalString(JsonElement e, string path, string field)
    {
        if (!e.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } s || s.Trim().Length == 0)
            throw new TriggerDefinitionException($"{path}.{field}", "must be a non-empty string");
        return s;
    }
}
