namespace Tailor.Application.Users;

/// <summary>Who asked for a change, as the audit trail records them.</summary>
/// <param name="Id">An admin key's or user's id (<c>key_…</c>, <c>usr_…</c>), or <c>cli:USER</c> for a command run on the machine.</param>
/// <param name="Name">The key's, user's or command user's name.</param>
/// <param name="Origin">The client's address, or the machine's name for a command.</param>
public sealed record AuditActor(string Id, string Name, string? Origin);
