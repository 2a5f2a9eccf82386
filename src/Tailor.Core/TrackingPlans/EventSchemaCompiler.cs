using System.Text;
using System.Text.Json;
using Json.Schema;
using Tailor.Core.Events;

namespace Tailor.Core.TrackingPlans;

/// <summary>
/// Checks a schema before it is saved and turns it into the validator used on the hot path: within the size and depth
/// limits, a valid draft 2020-12 schema (checked against the meta-schema), with every <c>$ref</c> resolvable inside
/// the document (nothing is fetched).
/// </summary>
public static class EventSchemaCompiler
{
    public const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";

    private static readonly EvaluationOptions MetaOptions = new() { OutputFormat = OutputFormat.List };

    /// <summary>The compiled schema, or the field and rule that it breaks.</summary>
    public static (JsonSchema? Schema, ValidationError? Error) Compile(string eventName, string schemaJson)
    {
        if (string.IsNullOrWhiteSpace(eventName)) return Fail("event", "is required and must be a non-empty string");
        if (eventName.Length > TrackingPlanLimits.MaxEventNameLength) return Fail("event", $"must be at most {TrackingPlanLimits.MaxEventNameLength} characters");
        if (TextRules.Check(eventName, strict: true) is { } nameRule) return Fail("event", nameRule);
        if (Encoding.UTF8.GetByteCount(schemaJson) > TrackingPlanLimits.MaxSchemaBytes)
            return Fail("schema", $"must be at most {TrackingPlanLimits.MaxSchemaBytes / 1024} KB");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(schemaJson, new JsonDocumentOptions { MaxDepth = TrackingPlanLimits.MaxSchemaDepth });
        }
        catch (JsonException ex)
        {
            return Fail("schema", $"must be JSON nested at most {TrackingPlanLimits.MaxSchemaDepth} levels ({ex.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
                return Fail("schema", "must be a JSON Schema: an object or a boolean");
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("$schema", out var dialect)
                && (dialect.ValueKind != JsonValueKind.String || dialect.GetString()?.TrimEnd('#') != Draft202012))
                return Fail("schema.$schema", $"must be {Draft202012} (draft 2020-12) when given");

            if (OutsideReference(root) is { } reference)
                return Fail("schema", $"must keep every $ref inside the document (\"#...\"); \"{reference}\" points elsewhere and nothing is fetched");
            var meta = MetaSchemas.Draft202012.Evaluate(root, MetaOptions);
            if (!meta.IsValid)
            {
                var first = Violations(meta, "schema", 3);
                return Fail(first.Count > 0 ? first[0].Field : "schema", "must be a valid draft 2020-12 schema: " + string.Join("; ", first.Select(v => v.ToString())));
            }
            try
            {
                // A registry of its own: schemas of different events may share an $id, and no $ref may reach outside.
                var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
                var schema = JsonSchema.Build(root.Clone(), options, new Uri($"https://tailor.invalid/tracking-plan/{Uri.EscapeDataString(eventName)}"));
                return (schema, null);
            }
            catch (Exception ex) when (ex is JsonSchemaException or JsonException or RefResolutionException or ArgumentException or InvalidOperationException)
            {
                return Fail("schema", $"must be a schema that can be compiled, with every $ref inside the document ({ex.Message})");
            }
        }
    }

    /// <summary>The first <c>$ref</c> or <c>$dynamicRef</c> that does not start with <c>#</c>, or null (iterative: depth is input).</summary>
    private static string? OutsideReference(JsonElement root)
    {
        var pending = new Stack<JsonElement>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var element = pending.Pop();
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray()) pending.Push(item);
                continue;
            }
            if (element.ValueKind != JsonValueKind.Object) continue;
            foreach (var property in element.EnumerateObject())
            {
                if ((property.NameEquals("$ref") || property.NameEquals("$dynamicRef")) && property.Value.ValueKind == JsonValueKind.String
                    && property.Value.GetString() is { } target && !target.StartsWith('#'))
                    return target;
                pending.Push(property.Value);
            }
        }
        return null;
    }

    /// <summary>The failed assertions of <paramref name="results"/> (List output), as paths under <paramref name="root"/>.</summary>
    public static List<SchemaViolation> Violations(EvaluationResults results, string root, int max)
    {
        var violations = new List<SchemaViolation>();
        void Add(EvaluationResults node)
        {
            if (node.Errors is null) return;
            foreach (var (keyword, message) in node.Errors)
            {
                if (violations.Count >= max) return;
                violations.Add(new SchemaViolation(Path(root, node.InstanceLocation.ToString()), $"{message} ({keyword})"));
            }
        }
        Add(results);
        if (results.Details is { } details)
            foreach (var node in details) Add(node);
        return violations;
    }

    /// <summary>A JSON Pointer (<c>/items/0/sku</c>) as the dotted path the API uses elsewhere (<c>properties.items[0].sku</c>).</summary>
    private static string Path(string root, string pointer)
    {
        if (pointer.Length == 0) return root;
        var path = new StringBuilder(root);
        foreach (var segment in pointer.Split('/').Skip(1))
        {
            var name = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (name.Length > 0 && name.All(char.IsAsciiDigit)) path.Append('[').Append(name).Append(']');
            else path.Append('.').Append(name);
        }
        return path.ToString();
    }

    private static (JsonSchema?, ValidationError?) Fail(string field, string rule) => (null, new ValidationError(field, rule));
}
