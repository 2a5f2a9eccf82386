using System.Net.Http.Headers;

namespace Tailor.Server.Tests.Hosting;

/// <summary>The HTTP client the process tests use against a real <c>tailor serve</c>: its address, one credential, a bounded timeout.</summary>
internal static class ProcessClient
{
    public static HttpClient Client(Uri address, AuthenticationHeaderValue? auth, TimeSpan? timeout = null) =>
        new() { BaseAddress = address, Timeout = timeout ?? TimeSpan.FromSeconds(30), DefaultRequestHeaders = { Authorization = auth } };
}
