namespace Tailor.Core.Events;

/// <summary>Why a message was refused: the field it concerns and the rule it broke.</summary>
/// <param name="Index">Position of the message in a batch; null for a single message.</param>
public sealed record ValidationError(string Field, string Rule, int? Index = null)
{
    public override string ToString() => Index is { } i ? $"batch[{i}].{Field}: {Rule}" : $"{Field}: {Rule}";
}
