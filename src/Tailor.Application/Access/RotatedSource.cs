using Tailor.Core.Storage;

namespace Tailor.Application.Access;

/// <param name="PreviousKeyValidUntil">When the key it replaces stops working.</param>
public sealed record RotatedSource(Source Source, DateTimeOffset PreviousKeyValidUntil);
