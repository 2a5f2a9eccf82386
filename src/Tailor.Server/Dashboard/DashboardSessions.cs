using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Tailor.Application.Users;
using Tailor.Core.Storage;
using Tailor.Server.Admin;

namespace Tailor.Server.Dashboard;

/// <summary>
/// The dashboard's sign-in, with an admin key or as a user (docs/dashboard.md). The cookie holds, encrypted and signed
/// with ASP.NET Core data protection, either the admin key itself or a user's id and session stamp; it is HttpOnly,
/// SameSite=Strict (Secure over HTTPS) and expires after <see cref="Lifetime"/>. Every request checks it again: a key
/// through <see cref="AccessKeys"/>, a user against the store (cached for <see cref="AccessKeys.CacheFor"/>), so a
/// revoked key, or a user disabled, removed or given a new password, ends the session within a second. Either way the
/// request's principal is an <see cref="AdminKey"/>: a user's id, name and their role's scopes (<see cref="UserRoles"/>),
/// so every page and its 403 follow one set of rules.
/// </summary>
public sealed class DashboardSessions(IDataProtectionProvider protection, AccessKeys keys, IUserStore users, TimeProvider time)
{
    public const string CookieName = "tailor_session";

    /// <summary>How long a sign-in lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private const string KeySession = "key\n";
    private const string UserSession = "user\n";

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector("Tailor.Dashboard.Session.v2").ToTimeLimitedDataProtector();
    private readonly ConcurrentDictionary<string, (DashboardUser? User, long At)> _users = new(StringComparer.Ordinal);

    /// <summary>Who the request's session is for; null when there is none or it is no longer valid.</summary>
    public async ValueTask<AdminKey?> CurrentAsync(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var sealedSession) || string.IsNullOrEmpty(sealedSession)) return null;
        string session;
        try
        {
            session = _protector.Unprotect(sealedSession, out _);
        }
        catch (CryptographicException)
        {
            return null; // tampered, expired, or sealed by a key ring this node does not have
        }
        if (session.StartsWith(KeySession, StringComparison.Ordinal)) return await keys.AdminAsync(session[KeySession.Length..], http.RequestAborted);
        if (!session.StartsWith(UserSession, StringComparison.Ordinal) || session[UserSession.Length..].Split('\n') is not [var id, var stamp]) return null;
        return await UserAsync(id, http.RequestAborted) is { DisabledAt: null } user && user.SessionStamp == stamp ? Principal(user) : null;
    }

    /// <summary>Checks <paramref name="key"/> and, when it is a valid admin key, starts a session with it.</summary>
    public async ValueTask<AdminKey?> SignInAsync(HttpContext http, string? key)
    {
        if (await keys.AdminAsync(key, http.RequestAborted) is not { } admin) return null;
        Start(http, KeySession + key);
        return admin;
    }

    /// <summary>Starts a session for <paramref name="user"/>, whose password has been checked.</summary>
    public AdminKey SignIn(HttpContext http, DashboardUser user)
    {
        Start(http, $"{UserSession}{user.Id}\n{user.SessionStamp}");
        return Principal(user);
    }

    public void SignOut(HttpContext http) => http.Response.Cookies.Delete(CookieName, Options(http, null));

    /// <summary>Forgets cached users: called after a change through this node's API so it takes effect here at once.</summary>
    public void Forget() => _users.Clear();

    /// <summary>A user as a principal: their id and name, and their role's scopes.</summary>
    public static AdminKey Principal(DashboardUser user) => new(user.Id, user.Name, user.CreatedAt, Scopes: UserRoles.Scopes(user.Role));

    private void Start(HttpContext http, string session) =>
        http.Response.Cookies.Append(CookieName, _protector.Protect(session, time.GetUtcNow() + Lifetime), Options(http, Lifetime));

    private async ValueTask<DashboardUser?> UserAsync(string id, CancellationToken ct)
    {
        var now = time.GetTimestamp();
        if (_users.TryGetValue(id, out var cached) && time.GetElapsedTime(cached.At, now) <= AccessKeys.CacheFor) return cached.User;
        var user = await users.GetUserAsync(id, ct);
        _users[id] = (user, now); // ids come only from sealed cookies, so this holds at most one entry per user
        return user;
    }

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
