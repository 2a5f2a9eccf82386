using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Tailor.Core.Storage;
using Tailor.Server.Admin;

namespace Tailor.Server.Dashboard;

/// <summary>
/// The dashboard's sign-in: the admin key itself, encrypted and signed with ASP.NET Core data protection, in an
/// HttpOnly, SameSite=Strict cookie (Secure over HTTPS) that expires after <see cref="Lifetime"/>. Every request checks
/// the key again through <see cref="AccessKeys"/>, so a revoked, rotated-out or expired key ends the session within a
/// second, and the key's scopes are always the stored ones.
/// </summary>
public sealed class DashboardSessions(IDataProtectionProvider protection, AccessKeys keys, TimeProvider time)
{
    public const string CookieName = "tailor_session";

    /// <summary>How long a sign-in lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Tailor.Dashboard.Session.v1").ToTimeLimitedDataProtector();

    /// <summary>The admin key of the request's session; null when there is none or it is no longer valid.</summary>
    public async ValueTask<AdminKey?> CurrentAsync(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var sealedKey) || string.IsNullOrEmpty(sealedKey)) return null;
        string key;
        try
        {
            key = _protector.Unprotect(sealedKey, out _);
        }
        catch (CryptographicException)
        {
            return null; // tampered, expired, or sealed by a key ring this node does not have
        }
        return await keys.AdminAsync(key, http.RequestAborted);
    }

    /// <summary>Checks <paramref name="key"/> and, when it is a valid admin key, starts a session with it.</summary>
    public async ValueTask<AdminKey?> SignInAsync(HttpContext http, string? key)
    {
        if (await keys.AdminAsync(key, http.RequestAborted) is not { } admin) return null;
        http.Response.Cookies.Append(CookieName, _protector.Protect(key!, time.GetUtcNow() + Lifetime), Options(http, Lifetime));
        return admin;
    }

    public void SignOut(HttpContext http) => http.Response.Cookies.Delete(CookieName, Options(http, null));

    private static CookieOptions Options(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
