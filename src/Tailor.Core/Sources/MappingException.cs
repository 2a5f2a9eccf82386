namespace Tailor.Core.Sources;

/// <summary>A payload the mapping could not turn into messages (a Liquid expression failed, a number did not parse, too many items).</summary>
public sealed class MappingException(string field, string message) : Exception($"{field}: {message}")
{
    /// <summary>The mapping field that failed, e.g. <c>messages[0].properties.total</c>.</summary>
    public string Field { get; } = field;
}
