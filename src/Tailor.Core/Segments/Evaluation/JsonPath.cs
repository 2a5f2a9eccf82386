using System.Text.Json;

namespace Tailor.Core.Segments.Evaluation;

/// <summary>Dotted paths into JSON: <c>address.city</c>. A key that itself contains dots is found too.</summary>
public static class JsonPath
{
    public static JsonElement Resolve(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object) return default;
        if (root.TryGetProperty(path, out var whole)) return whole;
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        while (dot > 0)
        {
            if (root.TryGetProperty(path[..dot], out var head))
            {
                var found = Resolve(head, path[(dot + 1)..]);
                if (found.ValueKind != JsonValueKind.Undefined) return found;
            }
            dot = path.IndexOf('.', dot + 1);
        }
        return default;
    }
}
