namespace Tailor.Client;

/// <summary>A placement rendered for a visitor: the content and the variant chosen.</summary>
public sealed record Personalization(string Placement, string? Block, string? Template, string Variant, bool Personalized, string Content, string Locale,
    string? Language, string? Experiment = null, string? Arm = null);
