using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Tailor.LoadGen;

/// <summary>Creates segments through the API before a run, so ingestion is measured with the segment engine busy.</summary>
internal static class SegmentSetup
{
    /// <param name="path">Lines of <c>name | rule</c>; blank lines and <c>#</c> comments are skipped.</param>
    public static async Task<int> CreateAsync(TailorTarget target, string path, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = target.Url, Timeout = TimeSpan.FromSeconds(60) };
        var count = 0;
        foreach (var line in await File.ReadAllLinesAsync(path, ct))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var parts = line.Split('|', 2);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/segments")
            {
                Content = JsonContent.Create(new { name = parts[0].Trim(), rule = parts[1].Trim() }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.AdminKey);
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"creating segment '{parts[0].Trim()}' failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            count++;
        }
        return count;
    }
}
