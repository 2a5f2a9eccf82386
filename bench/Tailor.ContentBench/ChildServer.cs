using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Tailor.ContentBench;

/// <summary><c>tailor serve</c> as a child process on a fresh data directory, with its RSS read from /proc.</summary>
internal sealed partial class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _data;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildServer(Process process, string data)
    {
        _process = process;
        _data = data;
    }

    public Uri Url { get; private set; } = null!;
    public string WriteKey { get; } = $"wk_bench_{Guid.NewGuid():N}";
    public string AdminKey { get; } = $"tk_admin_bench_{Guid.NewGuid():N}";

    public static async Task<ChildServer> StartAsync(string serverDll, IReadOnlyDictionary<string, string> environment)
    {
        var data = Directory.CreateTempSubdirectory("tailor-contentbench-").FullName;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { serverDll, "serve", "--urls", "http://127.0.0.1:0", "--data", data }) info.ArgumentList.Add(arg);
        info.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var server = new ChildServer(new Process { StartInfo = info }, data);
        info.Environment["TAILOR_WRITE_KEY"] = server.WriteKey;
        info.Environment["TAILOR_ADMIN_KEY"] = server.AdminKey;
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        server.Url = await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    private void OnLine(string? line)
    {
        if (line is not null && Listening().Match(line) is { Success: true } m) _listening.TrySetResult(new Uri(m.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();

    public HttpClient Admin() => Client(new AuthenticationHeaderValue("Bearer", AdminKey));

    public HttpClient Ingest() => Client(new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":"))));

    private HttpClient Client(AuthenticationHeaderValue auth) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60), DefaultRequestHeaders = { Authorization = auth } };

    /// <summary>Resident memory of the server process, in MB.</summary>
    public double RssMb()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
