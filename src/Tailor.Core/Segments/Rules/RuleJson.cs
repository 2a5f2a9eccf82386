using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tailor.Core.Limits;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Core.Segments.Rules;

/// <summary>
/// The JSON form of a rule, for the API: <c>{"and": [...]}</c>, <c>{"trait": "plan", "op": "=", "value": "pro"}</c>,
/// <c>{"performed": "Order Completed", "where": [...], "measure": {...}, "window": {"last": "30d"}}</c>, ... (docs/rules.md).
/// Converts to and from <see cref="Rule"/> without loss; an invalid document names the JSON path and the rule it broke.
/// </summary>
public static partial class RuleJson
{
    public static JsonNode ToJson(Rule rule) => rule switch
    {
        AllOf all => new JsonObject { ["and"] = new JsonArray([.. all.Rules.Select(ToJson)]) },
        AnyOf any => new JsonObject { ["or"] = new JsonArray([.. any.Rules.Select(ToJson)]) },
        Not not => new JsonObject { ["not"] = ToJson(not.Rule) },
        TraitIs t => WithComparison(new JsonObject { ["trait"] = t.Path }, t.Comparison),
        ComputedIs c => WithComparison(new JsonObject { ["computed"] = c.Name }, c.Comparison),
        ComputedInTop top => new JsonObject { ["computed"] = top.Name, ["top"] = top.Percent },
        Performed p => PerformedToJson(p),
        ForSome f => new JsonObject { ["forSome"] = f.Property, ["rule"] = ToJson(f.Rule) },
        InSegment s => new JsonObject { ["inSegment"] = s.Segment },
        HasConsent c => new JsonObject { ["consent"] = c.Purpose },
        HasTag t => new JsonObject { ["tag"] = t.Tag },
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown rule node"),
    };

    public static Rule FromJson(string json, DefinitionLimits? limits = null)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return FromJson(document.RootElement, "$", limits);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException) // ArgumentException: text that is not valid UTF-16
        {
            throw new RuleJsonException("$", $"must be valid JSON ({ex.Message})");
        }
    }

    /// <summary>Reads a rule; one deeper or larger than <paramref name="limits"/> allows is refused, naming the path where it broke the limit.</summary>
    /// <exception cref="RuleJsonException">The document is not a valid rule or breaks a limit.</exception>
    public static Rule FromJson(JsonElement e, string path, DefinitionLimits? limits = null)
    {
        limits ??= DefinitionLimits.Default;
        var nodes = 0;
        try
        {
            var rule = Read(e, path, 1, limits, ref nodes);
            // Rules are stored in their text form: one too long to read back there is refused here too.
            if (Text.RulePrinter.Print(rule).Length > limits.MaxRuleTextLength)
                throw new RuleJsonException(path, $"must be {RuleLimitCheck.TextMessage(limits)} in its text form");
            return rule;
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses to read a name or string holding a lone UTF-16 surrogate escape.
            throw new RuleJsonException(path, $"must not hold a lone UTF-16 surrogate escape such as \\ud800 ({ex.Message})");
        }
    }

    private static Rule Read(JsonElement e, string path, int depth, DefinitionLimits limits, ref int nodes)
    {
        // Checked on the way down, so the recursion stops at the limit whatever the document holds.
        if (depth > limits.MaxRuleDepth) throw new RuleJsonException(path, $"must be {RuleLimitCheck.DepthMessage(limits)}");
        if (++nodes > limits.MaxRuleNodes) throw new RuleJsonException(path, $"must be part of {RuleLimitCheck.NodesMessage(limits)}");
        if (e.ValueKind != JsonValueKind.Object) throw new RuleJsonException(path, "must be a JSON object");
        // An and/or of one rule is that rule: the text form has no way to write the wrapper, so keeping it would
        // make JSON → text → JSON change the document.
        if (e.TryGetProperty("and", out var and))
        {
            var rules = List(and, $"{path}.and", depth, limits, ref nodes);
            return Only(e, path, "and", rules.Count == 1 ? rules[0] : new AllOf(rules), "and");
        }
        if (e.TryGetProperty("or", out var or))
        {
            var rules = List(or, $"{path}.or", depth, limits, ref nodes);
            return Only(e, path, "or", rules.Count == 1 ? rules[0] : new AnyOf(rules), "or");
        }
        if (e.TryGetProperty("not", out var not)) return Only(e, path, "not", new Not(Read(not, $"{path}.not", depth + 1, limits, ref nodes)), "not");
        if (e.TryGetProperty("trait", out var trait))
            return Only(e, path, "trait", new TraitIs(String(trait, $"{path}.trait"), ComparisonFrom(e, path)), ComparisonFields("trait"));
        if (e.TryGetProperty("computed", out var computed))
        {
            var name = String(computed, $"{path}.computed");
            if (!ComputedValues.IsKnown(name))
                throw new RuleJsonException($"{path}.computed", $"must be a computed trait: {string.Join(", ", ComputedValues.Names)}");
            if (!e.TryGetProperty("top", out var top)) return Only(e, path, "computed", new ComputedIs(name, ComparisonFrom(e, path)), ComparisonFields("computed"));
            var percent = Number(top, $"{path}.top");
            if (percent is <= 0 or > 100) throw new RuleJsonException($"{path}.top", "must be a percentage greater than 0 and at most 100");
            return Only(e, path, "computed top", new ComputedInTop(name, percent), "computed", "top");
        }
        if (e.TryGetProperty("performed", out var performed))
            return Only(e, path, "performed", PerformedFromJson(e, String(performed, $"{path}.performed"), path), "performed", "where", "measure", "window");
        if (e.TryGetProperty("forSome", out var forSome))
        {
            if (!e.TryGetProperty("rule", out var inner)) throw new RuleJsonException($"{path}.rule", "is required with forSome");
            var innerRule = Read(inner, $"{path}.rule", depth + 1, limits, ref nodes);
            return Only(e, path, "forSome", new ForSome(String(forSome, $"{path}.forSome"), innerRule), "forSome", "rule");
        }
        if (e.TryGetProperty("inSegment", out var segment)) return Only(e, path, "inSegment", new InSegment(String(segment, $"{path}.inSegment")), "inSegment");
        if (e.TryGetProperty("consent", out var consent))
            return Only(e, path, "consent", new HasConsent(ConsentPurposes.Normalize(String(consent, $"{path}.consent"))), "consent");
        if (e.TryGetProperty("tag", out var tag))
        {
            var normal = Tags.Normalize(String(tag, $"{path}.tag")) ?? throw new RuleJsonException($"{path}.tag", "must be a non-empty tag");
            return Only(e, path, "tag", new HasTag(normal), "tag");
        }
        throw new RuleJsonException(path, "must have one of and, or, not, trait, computed, performed, forSome, inSegment, consent, tag");
    }

    /// <summary>
    /// Rejects fields the node does not know, so that a typo (<c>"windw"</c>) or a second kind of condition in one
    /// object is an error rather than a silently broader rule.
    /// </summary>
    private static T Only<T>(JsonElement e, string path, string kind, T result, params string[] allowed)
    {
        foreach (var field in e.EnumerateObject())
            if (Array.IndexOf(allowed, field.Name) < 0)
                throw new RuleJsonException($"{path}.{field.Name}", $"is not a field of a '{kind}' condition (expected {string.Join(", ", allowed)})");
        return result;
    }

    private static string[] ComparisonFields(string first) => [first, "op", "value", "values"];

    private static JsonObject WithComparison(JsonObject node, Comparison c)
    {
        node["op"] = OperatorName(c.Operator);
        if (c.Operator is Operator.In or Operator.Between) node["values"] = new JsonArray([.. c.Values.Select(LiteralToJson)]);
        else if (c.Operator != Operator.Exists) node["value"] = LiteralToJson(c.Value);
        return node;
    }

    private static JsonObject PerformedToJson(Performed p)
    {
        var node = new JsonObject { ["performed"] = p.Event };
        if (p.Where.Count > 0)
            node["where"] = new JsonArray([.. p.Where.Select(f => (JsonNode)WithComparison(new JsonObject { ["property"] = f.Path }, f.Comparison))]);
        if (p.Measure != Measure.AtLeastOnce)
        {
            var m = new JsonObject { ["aggregate"] = p.Measure.Aggregate.ToString().ToLowerInvariant() };
            if (p.Measure.Property is { } property) m["property"] = property;
            m["op"] = OperatorName(p.Measure.Operator);
            m["value"] = p.Measure.Value;
            node["measure"] = m;
        }
        if (p.Window != Window.Ever)
        {
            var w = new JsonObject();
            if (p.Window.Last is { } last) w["last"] = DurationText(last);
            if (p.Window.Since is { } since) w["since"] = since;
            if (p.Window.InSession) w["inSession"] = true;
            node["window"] = w;
        }
        return node;
    }

    private static Performed PerformedFromJson(JsonElement e, string name, string path)
    {
        var filters = new List<PropertyFilter>();
        if (e.TryGetProperty("where", out var where))
        {
            if (where.ValueKind != JsonValueKind.Array) throw new RuleJsonException($"{path}.where", "must be an array of filters");
            var i = 0;
            foreach (var filter in where.EnumerateArray())
            {
                var at = $"{path}.where[{i++}]";
                if (filter.ValueKind != JsonValueKind.Object || !filter.TryGetProperty("property", out var property))
                    throw new RuleJsonException(at, "must be an object with property, op and value");
                filters.Add(Only(filter, at, "where", new PropertyFilter(String(property, $"{at}.property"), ComparisonFrom(filter, at)), ComparisonFields("property")));
            }
        }
        var measure = Measure.AtLeastOnce;
        if (e.TryGetProperty("measure", out var m))
        {
            var at = $"{path}.measure";
            if (m.ValueKind != JsonValueKind.Object) throw new RuleJsonException(at, "must be an object with aggregate, op and value");
            var aggregateName = m.TryGetProperty("aggregate", out var a) ? String(a, $"{at}.aggregate") : "count";
            if (!Enum.TryParse<Aggregate>(aggregateName, ignoreCase: true, out var aggregate) || int.TryParse(aggregateName, out _))
                throw new RuleJsonException($"{at}.aggregate", "must be one of count, sum, min, max, distinct");
            string? property = null;
            if (aggregate != Aggregate.Count)
                property = m.TryGetProperty("property", out var p) ? String(p, $"{at}.property") : throw new RuleJsonException($"{at}.property", $"is required for {aggregateName}");
            var op = OperatorFrom(m, at);
            if (op is Operator.In or Operator.Between or Operator.Exists or Operator.Contains or Operator.StartsWith
                || (op == Operator.NotEqual && aggregate == Aggregate.Count))
                throw new RuleJsonException($"{at}.op", "must be one of =, <, <=, >, >= (and != for sum, min, max, distinct)");
            var value = m.TryGetProperty("value", out var v) ? Number(v, $"{at}.value") : throw new RuleJsonException($"{at}.value", "is required");
            if (aggregate == Aggregate.Count && (value < 0 || value != decimal.Truncate(value)))
                throw new RuleJsonException($"{at}.value", "must be a whole number of times for count");
            measure = Only(m, at, "measure", new Measure(aggregate, property, op, value), "aggregate", "property", "op", "value");
        }
        var window = Window.Ever;
        if (e.TryGetProperty("window", out var w))
        {
            var at = $"{path}.window";
            if (w.ValueKind != JsonValueKind.Object) throw new RuleJsonException(at, "must be an object with last, since or inSession");
            TimeSpan? last = w.TryGetProperty("last", out var l) ? ParseDuration(String(l, $"{at}.last"), $"{at}.last") : null;
            var since = w.TryGetProperty("since", out var s) ? String(s, $"{at}.since") : null;
            var inSession = false;
            if (w.TryGetProperty("inSession", out var session))
                inSession = session.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? session.GetBoolean()
                    : throw new RuleJsonException($"{at}.inSession", "must be true or false");
            window = Only(w, at, "window", new Window(last, since, inSession), "last", "since", "inSession");
        }
        return new Performed(name, new ValueList<PropertyFilter>(filters), measure, window);
    }

    private static Comparison ComparisonFrom(JsonElement e, string path)
    {
        var op = OperatorFrom(e, path);
        if (op == Operator.Exists) return new Comparison(op, ValueList<Literal>.Empty);
        if (op is Operator.In or Operator.Between)
        {
            if (!e.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
                throw new RuleJsonException($"{path}.values", $"must be an array for '{OperatorName(op)}'");
            var list = new List<Literal>();
            var i = 0;
            foreach (var value in values.EnumerateArray()) list.Add(LiteralFrom(value, $"{path}.values[{i++}]"));
            if (op == Operator.Between && list.Count != 2) throw new RuleJsonException($"{path}.values", "must hold exactly two values for 'between'");
            return new Comparison(op, new ValueList<Literal>(list));
        }
        if (!e.TryGetProperty("value", out var single)) throw new RuleJsonException($"{path}.value", "is required");
        return Comparison.Of(op, LiteralFrom(single, $"{path}.value"));
    }

    private static Operator OperatorFrom(JsonElement e, string path)
    {
        if (!e.TryGetProperty("op", out var op) || op.ValueKind != JsonValueKind.String) throw new RuleJsonException($"{path}.op", "is required");
        var text = op.GetString();
        return OperatorSymbols.Parse(text) ?? text switch
        {
            "in" => Operator.In,
            "contains" => Operator.Contains,
            "startsWith" => Operator.StartsWith,
            "exists" => Operator.Exists,
            "between" => Operator.Between,
            _ => throw new RuleJsonException($"{path}.op", "must be one of =, !=, <, <=, >, >=, in, contains, startsWith, exists, between"),
        };
    }

    private static string OperatorName(Operator op) => op switch
    {
        Operator.In => "in",
        Operator.Contains => "contains",
        Operator.StartsWith => "startsWith",
        Operator.Exists => "exists",
        Operator.Between => "between",
        _ => Text.RulePrinter.Symbol(op),
    };

    private static JsonNode LiteralToJson(Literal literal) => literal.Kind switch
    {
        LiteralKind.String => JsonValue.Create(literal.Text)!,
        LiteralKind.Number => JsonValue.Create(literal.Number),
        _ => JsonValue.Create(literal.Boolean),
    };

    private static Literal LiteralFrom(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.String => Literal.Of(e.GetString()!),
        JsonValueKind.Number => Literal.Of(Number(e, path)),
        JsonValueKind.True => Literal.Of(true),
        JsonValueKind.False => Literal.Of(false),
        _ => throw new RuleJsonException(path, "must be a string, a number or a boolean"),
    };

    private static ValueList<Rule> List(JsonElement e, string path, int depth, DefinitionLimits limits, ref int nodes)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0) throw new RuleJsonException(path, "must be a non-empty array of rules");
        var rules = new List<Rule>();
        var i = 0;
        foreach (var item in e.EnumerateArray()) rules.Add(Read(item, $"{path}[{i++}]", depth + 1, limits, ref nodes));
        return new ValueList<Rule>(rules);
    }

    private static string String(JsonElement e, string path) =>
        e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : throw new RuleJsonException(path, "must be a non-empty string");

    private static decimal Number(JsonElement e, string path) =>
        e.ValueKind != JsonValueKind.Number ? throw new RuleJsonException(path, "must be a number")
        : e.TryGetDecimal(out var number) ? number
        : throw new RuleJsonException(path, "must be a number of at most 28 digits");

    /// <summary><c>90m</c>, <c>24h</c>, <c>30d</c>, <c>2w</c>: the largest unit that expresses the duration exactly.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a positive whole number of minutes, which neither form can express.</exception>
    public static string DurationText(TimeSpan span)
    {
        if (span <= TimeSpan.Zero || span.Ticks % TimeSpan.TicksPerMinute != 0)
            throw new ArgumentOutOfRangeException(nameof(span), span, "a window is a positive whole number of minutes");
        if (span.Ticks % TimeSpan.FromDays(7).Ticks == 0) return $"{span.Ticks / TimeSpan.FromDays(7).Ticks}w";
        if (span.Ticks % TimeSpan.TicksPerDay == 0) return $"{span.Ticks / TimeSpan.TicksPerDay}d";
        if (span.Ticks % TimeSpan.TicksPerHour == 0) return $"{span.Ticks / TimeSpan.TicksPerHour}h";
        return $"{span.Ticks / TimeSpan.TicksPerMinute}m";
    }

    private static TimeSpan ParseDuration(string text, string path)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success) throw new RuleJsonException(path, "must be a whole number of minutes, hours, days or weeks such as 90m, 24h, 30d or 2w");
        var minutesPerUnit = match.Groups[2].Value switch
        {
            "m" => 1L,
            "h" => 60L,
            "d" => 60L * 24,
            _ => 60L * 24 * 7,
        };
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount == 0
            || amount > (long)Window.Longest.TotalMinutes / minutesPerUnit)
            throw new RuleJsonException(path, $"must be greater than 0 and at most {Window.Longest.Days} days");
        return TimeSpan.FromMinutes(amount * minutesPerUnit);
    }

    [GeneratedRegex(@"^([0-9]+)([mhdw])$")]
    private static partial Regex DurationPattern();
}

/// <summary>An invalid JSON rule: the JSON path of the offending part and the rule it broke.</summary>
public sealed class RuleJsonException(string path, string rule) : FormatException($"{path}: {rule}")
{
    public string Path { get; } = path;
    public string Rule { get; } = rule;
}
