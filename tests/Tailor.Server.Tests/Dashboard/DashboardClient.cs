using System.Net;
using System.Text.RegularExpressions;
using Tailor.Server.Tests.Hosting;

namespace Tailor.Server.Tests.Dashboard;

/// <summary>
/// A browser without a browser: cookies kept, redirects not followed (so tests see them), forms posted with the
/// antiforgery token the page rendered, as a browser would post them.
/// </summary>
public sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient _http;

    public CookieContainer Cookies { get; } = new();

    public DashboardClient(TailorAppFixture app) : this(app.BaseAddress)
    {
    }

    /// <summary>A client of the app at <paramref name="baseAddress"/> (an app of a test's own, e.g. on a fake clock).</summary>
    public DashboardClient(Uri baseAddress) =>
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static Task<DashboardClient> SignedInAsync(TailorAppFixture app, string key) => SignedInAsync(app.BaseAddress, key);

    public static async Task<DashboardClient> SignedInAsync(Uri baseAddress, string key)
    {
        var client = new DashboardClient(baseAddress);
        using var response = await client.SignInAsync(key);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return client;
    }

    public async Task<HttpResponseMessage> SignInAsync(string key, string? returnUrl = null) =>
        await PostFormAsync("/sign-in" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)), "sign-in", [new("Key", key)]);

    /// <summary>Signs in as a dashboard user with <paramref name="name"/> and <paramref name="password"/>.</summary>
    public async Task<HttpResponseMessage> SignInUserAsync(string name, string password) =>
        await PostFormAsync("/sign-in", "sign-in", [new("Name", name), new("Password", password)]);

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path, TestContext.Current.CancellationToken);

    public async Task<string> PageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await GetAsync(path);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"GET {path}: {(int)response.StatusCode}, expected {(int)expected}\n{html}");
        return html;
    }

    /// <summary>Loads the page, takes the antiforgery token of its form <paramref name="handler"/>, and posts the fields with it.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string? handler, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var html = await PageAsync(path.Split('?')[0] == "/sign-out" ? "/" : path);
        var form = new List<KeyValuePair<string, string>>(fields);
        if (handler is not null) form.Add(new("_handler", handler));
        if (withToken) form.Add(new("__RequestVerificationToken", Token(html)));
        using var content = new FormUrlEncodedContent(form);
        return await _http.PostAsync(path, content, TestContext.Current.CancellationToken);
    }

    public static string Token(string html) => TokenPattern().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery token on the page");

    public bool HasSession => Cookies.GetAllCookies().Any(c => c.Name == "tailor_session" && !c.Expired && c.Value.Length > 0);

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
