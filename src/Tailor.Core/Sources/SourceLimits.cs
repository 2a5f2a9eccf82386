namespace Tailor.Core.Sources;

/// <summary>How large a mapping and what it makes may be: every loop a payload drives has a bound (docs/connectors.md).</summary>
public static class SourceLimits
{
    /// <summary>Largest mapping definition, in bytes of its JSON.</summary>
    public const int MaxMappingBytes = 64 * 1024;

    /// <summary>Most message templates in one mapping.</summary>
    public const int MaxMessageTemplates = 20;

    /// <summary>Most mapped values (fields, members, items) in one mapping.</summary>
    public const int MaxMappedValues = 500;

    /// <summary>Deepest nesting of objects and arrays inside a mapping.</summary>
    public const int MaxMappingDepth = 8;

    /// <summary>Most items one <c>forEach</c> maps; a longer array is a mapping failure.</summary>
    public const int MaxForEachItems = 1_000;

    /// <summary>Most messages one payload may become.</summary>
    public const int MaxMessagesPerPayload = 1_000;

    /// <summary>Largest webhook body a source may be configured to take.</summary>
    public const int MaxBodyBytesCeiling = 5 * 1024 * 1024;

    /// <summary>Longest source name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Longest secret (a connection string included).</summary>
    public const int MaxSecretLength = 2_000;

    /// <summary>Longest pull query.</summary>
    public const int MaxQueryLength = 20_000;
}
