using System.Net.ServerSentEvents;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Tailor.Application.Access;
using Tailor.Server.Dashboard.Components;
using Tailor.Server.Segments;

namespace Tailor.Server.Dashboard;

/// <summary>
/// The web dashboard at <c>/</c>: server-rendered Razor components (static SSR: no WebAssembly, no circuits), forms
/// posting back with antiforgery tokens, a session cookie holding the admin key (<see cref="DashboardSessions"/>), the
/// page guard (<see cref="DashboardGuard"/>) and the embedded assets. Every page calls the same use-case operations
/// as the API and the CLI. See docs/dashboard.md.
/// </summary>
public static class DashboardWiring
{
    /// <param name="dataDirectory">Where the key ring that seals session and antiforgery cookies is kept (its <c>dashboard-keys</c> folder), so sign-ins survive a restart.</param>
    public static IServiceCollection AddTailorDashboard(this IServiceCollection services, string dataDirectory)
    {
        services.AddRazorComponents();
        services.AddDataProtection().SetApplicationName("Tailor")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(dataDirectory), "dashboard-keys")));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "tailor_antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddSingleton<DashboardSessions>();
        services.AddSingleton(sp => sp.GetRequiredService<Tailor.Storage.TailorDatabase>().SignInFailures);
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<Application.Users.UserOperations>();
        return services;
    }

    /// <summary>The page guard, then antiforgery validation of posted forms (after the guard: an unsigned request is refused before its form is read).</summary>
    public static WebApplication UseTailorDashboard(this WebApplication app)
    {
        app.UseMiddleware<DashboardGuard>();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapTailorDashboard(this WebApplication app)
    {
        app.MapRazorComponents<App>();
        app.MapGroup("api/users").MapUsersApi(); // under /api: AdminApiGuard checks the key (admin scope) first
        app.MapDashboardAssets();
        app.MapPost("sign-out", async (HttpContext http, IAntiforgery antiforgery, DashboardSessions sessions) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            sessions.SignOut(http);
            return Results.Redirect("/sign-in");
        }).DisableAntiforgery().ExcludeFromDescription(); // validated above, whatever the session's state
        // Live updates for open pages: the same membership feed as GET /api/segments/stream, signed in by the session cookie.
        app.MapGet("live/memberships", (MembershipFeed feed, CancellationToken ct) =>
                TypedResults.ServerSentEvents(Notices(feed.SubscribeAsync(null, ct), ct)))
            .WithMetadata(new DashboardPageAttribute(AdminScopes.Segments)).ExcludeFromDescription();
        return app;
    }

    private static async IAsyncEnumerable<SseItem<MembershipNotice>> Notices(IAsyncEnumerable<MembershipNotice> notices,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        yield return new SseItem<MembershipNotice>(new MembershipNotice("subscribed", "", "", "", default), "subscribed");
        await foreach (var notice in notices.WithCancellation(ct)) yield return new SseItem<MembershipNotice>(notice, notice.Type);
    }
}
