using System.Text.Json;

namespace Tailor.Core.Limits;

/// <summary>How deep a JSON value nests, measured without recursion.</summary>
public static class JsonDepth
{
    /// <summary>The depth of <paramref name="value"/> (a scalar is 0, <c>{}</c> is 1), or <paramref name="max"/> + 1 once it goes deeper.</summary>
    public static int Of(JsonElement value, int max)
    {
        var stack = new Stack<(JsonElement Value, int Depth)>();
        stack.Push((value, 0));
        var deepest = 0;
        while (stack.Count > 0)
        {
            var (current, depth) = stack.Pop();
            if (current.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) continue;
            deepest = Math.Max(deepest, depth + 1);
            if (deepest > max) return max + 1;
            if (current.ValueKind == JsonValueKind.Object)
                foreach (var property in current.EnumerateObject()) stack.Push((property.Value, depth + 1));
            else
                foreach (var item in current.EnumerateArray()) stack.Push((item, depth + 1));
        }
        return deepest;
    }
}
