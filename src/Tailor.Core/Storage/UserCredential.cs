namespace Tailor.Core.Storage;

/// <param name="PasswordHash">What the store keeps of the password: a salted, slow hash (never the password).</param>
public sealed record UserCredential(DashboardUser User, string PasswordHash);
