using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tailor.Core.Profiles;
using Tailor.Core.Segments.Evaluation;

namespace Tailor.Core.Triggers;

/// <summary>
/// A plain stand-in for the content engine until its Liquid renderer takes over: replaces
/// <c>{{ profile.traits.x }}</c>, <c>{{ profile.id }}</c> and <c>{{ event.properties.x }}</c> (any path into the
/// event message) with their values. Missing values render empty; arrays render their items joined by ", "
/// (objects in an array render their <c>name</c>, else their JSON).
/// </summary>
public static partial class TemplateRenderer
{
    public static string Render(string template, Profile profile, JsonElement startEvent)
    {
        if (!template.Contains("{{", StringComparison.Ordinal)) return template;
        return Placeholder().Replace(template, m => Value(m.Groups[1].Value, profile, startEvent));
    }

    private static string Value(string path, Profile profile, JsonElement startEvent)
    {
        if (path == "profile.id") return profile.Id;
        if (path.StartsWith("profile.traits.", StringComparison.Ordinal))
        {
            var name = path["profile.traits.".Length..];
            if (profile.Traits.TryGetValue(name, out var trait)) return Text(trait.Value);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && profile.Traits.TryGetValue(name[..dot], out var parent) ? Text(JsonPath.Resolve(parent.Value, name[(dot + 1)..])) : "";
        }
        if (path.StartsWith("event.", StringComparison.Ordinal)) return Text(JsonPath.Resolve(startEvent, path["event.".Length..]));
        return "";
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => Join(value),
        JsonValueKind.Object => value.GetRawText(),
        _ => "",
    };

    private static string Join(JsonElement array)
    {
        var text = new StringBuilder();
        foreach (var item in array.EnumerateArray())
        {
            if (text.Length > 0) text.Append(", ");
            text.Append(item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var name) ? Text(name) : Text(item));
        }
        return text.ToString();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
