using Tailor.Core.Storage;

namespace Tailor.Application.Access;

/// <summary>An admin key as created or rotated: the key itself is in <see cref="Key"/> and nowhere else.</summary>
/// <param name="PreviousKeyValidUntil">For a rotation, when the key it replaces stops working.</param>
public sealed record IssuedAdminKey(AdminKey Stored, string Key, DateTimeOffset? PreviousKeyValidUntil = null);
