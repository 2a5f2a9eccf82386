namespace Tailor.Core.Triggers;

/// <summary>An invalid trigger definition: the JSON path of the offending part and the rule it broke.</summary>
public sealed class TriggerDefinitionException(string path, string rule) : FormatException($"{path}: {rule}")
{
    public string Path { get; } = path;
    public string Rule { get; } = rule;
}
