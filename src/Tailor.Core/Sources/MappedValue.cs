using System.Text.Json.Nodes;
using Tailor.Core.Content;

namespace Tailor.Core.Sources;

/// <summary>
/// One value of a mapping, compiled: a JSON path into the payload, a Liquid expression, a constant, or an object or
/// array of these. See <see cref="MappingCompiler"/> for how each is written.
/// </summary>
public abstract record MappedValue
{
    /// <summary>The value at a path (<c>"$.customer.email"</c>); nothing when the path finds nothing.</summary>
    public sealed record Path(JsonPath At) : MappedValue;

    /// <summary>A Liquid template rendered over <c>payload</c> (and <c>item</c>), read as <see cref="As"/> (<c>string</c>, <c>number</c> or <c>boolean</c>).</summary>
    public sealed record Liquid(ParsedTemplate Template, string As) : MappedValue;

    /// <summary>A constant, as written.</summary>
    public sealed record Constant(JsonNode? Value) : MappedValue;

    /// <summary>An object whose members are mapped values.</summary>
    public sealed record Members(IReadOnlyList<KeyValuePair<string, MappedValue>> Fields) : MappedValue;

    /// <summary>An array whose items are mapped values.</summary>
    public sealed record Items(IReadOnlyList<MappedValue> Values) : MappedValue;
}
