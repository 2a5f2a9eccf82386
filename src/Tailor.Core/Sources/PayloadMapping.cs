namespace Tailor.Core.Sources;

/// <summary>
/// A compiled mapping from a JSON payload (a webhook body, a pulled row) to Segment messages: the message templates,
/// made once per payload or once per item of <see cref="ForEach"/>. Made by <see cref="MappingCompiler"/>, applied by
/// <see cref="PayloadMapper"/>; immutable, so one compiled mapping serves every request.
/// </summary>
public sealed record PayloadMapping(JsonPath? ForEach, IReadOnlyList<MessageTemplate> Messages);
