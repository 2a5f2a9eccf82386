namespace Tailor.Core.TrackingPlans;

/// <summary>One way an event breaks its schema: where (<c>properties.price</c>) and what the schema says.</summary>
public sealed record SchemaViolation(string Field, string Description)
{
    public override string ToString() => $"{Field}: {Description}";
}
