using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tailor.LoadGen;

/// <summary>
/// The server under test: either a child process this tool starts (fresh data directory, its own keys, RSS and CPU
/// sampled from /proc every second) or an already running server on loopback.
/// </summary>
internal sealed class TailorTarget : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly string? _dataDirectory;
    private readonly StreamWriter? _log;
    private readonly CancellationTokenSource _stopSampling = new();
    private readonly Task _sampler = Task.CompletedTask;
    private readonly List<ResourceSample> _samples = [];
    private readonly Lock _lock = new();

    private TailorTarget(Uri url, string writeKey, string adminKey, Process? process, string? dataDirectory, StreamWriter? log)
    {
        Url = url;
        WriteKey = writeKey;
        AdminKey = adminKey;
        _process = process;
        _dataDirectory = dataDirectory;
        _log = log;
        if (process is not null) _sampler = Task.Run(() => SampleAsync(process.Id, _stopSampling.Token));
    }

    public Uri Url { get; }
    public string WriteKey { get; }
    public string AdminKey { get; }
    public int? ProcessId => _process?.Id;

    /// <summary>Completes if the child server exits (never, for an existing server).</summary>
    public Task Exited => _process?.WaitForExitAsync() ?? Task.Delay(Timeout.Infinite);

    public bool HasExited => _process?.HasExited ?? false;

    /// <summary>Set when the child exited before we asked it to stop.</summary>
    public bool ExitedEarly { get; private set; }
    public string? LogPath { get; private set; }

    /// <summary>The data directory's size once the server stopped (server log excluded); null until then or for a server not ours.</summary>
    public long? DiskBytes { get; private set; }

    public static TailorTarget Existing(Uri url, string writeKey, string adminKey)
    {
        if (!IsLoopback(url)) throw new ArgumentException($"Refusing to load {url}: only 127.0.0.1 / localhost / ::1 targets are allowed.");
        return new TailorTarget(url, writeKey, adminKey, null, null, null);
    }

    public static bool IsLoopback(Uri url) =>
        url.IsLoopback && (url.Host is "127.0.0.1" or "localhost" or "[::1]" or "::1");

    /// <summary>Starts <c>dotnet SERVER_DLL serve</c> on a free loopback port with a fresh data directory and waits for /health.</summary>
    public static async Task<TailorTarget> StartAsync(string serverDll, string? postgres, IReadOnlyDictionary<string, string> extraEnv, TimeSpan startTimeout, CancellationToken ct)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var data = Path.Combine(Path.GetTempPath(), $"tailor-loadgen-{DateTime.UtcNow:yyyyMMddHHmmss}-{port}");
        Directory.CreateDirectory(data);
        var writeKey = "wk_loadgen_" + Guid.NewGuid().ToString("N");
        var adminKey = "tk_admin_loadgen_" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[Path.GetFullPath(serverDll), "serve", "--urls", url.ToString().TrimEnd('/'), "--data", data])
            start.ArgumentList.Add(arg);
        if (!string.IsNullOrEmpty(postgres))
        {
            start.ArgumentList.Add("--postgres");
            start.ArgumentList.Add(postgres);
        }
        start.Environment["TAILOR_WRITE_KEY"] = writeKey;
        start.Environment["TAILOR_ADMIN_KEY"] = adminKey;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in extraEnv) start.Environment[name] = value;

        var logPath = Path.Combine(data, "server.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var target = new TailorTarget(url, writeKey, adminKey, process, data, log) { LogPath = logPath };

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + startTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                await target.DisposeAsync();
                throw new InvalidOperationException($"The server exited with code {process.ExitCode}; see {logPath}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(url, "/health"), ct);
                if (response.IsSuccessStatusCode) return target;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            if (DateTime.UtcNow > deadline)
            {
                await target.DisposeAsync();
                throw new TimeoutException($"The server was not healthy within {startTimeout.TotalSeconds:F0} s; see {logPath}");
            }
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Resource samples taken so far (empty when the server is not our child).</summary>
    public IReadOnlyList<ResourceSample> Samples()
    {
        lock (_lock) return [.. _samples];
    }

    private async Task SampleAsync(int pid, CancellationToken ct)
    {
        var clockTicks = 100.0; // USER_HZ on Linux
        var started = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            do
            {
                var rss = ReadRssKb(pid);
                var cpu = ReadCpuSeconds(pid, clockTicks);
                if (rss is null) return;
                lock (_lock) _samples.Add(new ResourceSample(Stopwatch.GetElapsedTime(started).TotalSeconds, rss.Value / 1024.0, cpu ?? double.NaN));
            } while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) { }
    }

    private static long? ReadRssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        return null;
    }

    private static double? ReadCpuSeconds(int pid, double clockTicks)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) / clockTicks;
        }
        catch (IOException) { return null; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopSampling.CancelAsync();
        await _sampler;
        if (_process is not null)
        {
            ExitedEarly = _process.HasExited;
            if (!_process.HasExited)
            {
                // SIGTERM first so the server drains its writer and closes the store like in production.
                using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try { await _process.WaitForExitAsync(grace.Token); }
                catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
            }
            _process.Dispose();
        }
        if (_log is not null) await _log.DisposeAsync();
        if (_process is not null && LogPath is not null && ExitedEarly && File.Exists(LogPath))
        {
            // Keep the evidence of a server that died mid-run before the data directory goes.
            var kept = Path.Combine(Path.GetTempPath(), Path.GetFileName(_dataDirectory) + "-server.log");
            File.Copy(LogPath, kept, overwrite: true);
            await Console.Error.WriteLineAsync($"server log kept at {kept}");
        }
        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            // After a clean stop SQLite has checkpointed its WAL: this is what the store takes on disk (the log is not counted).
            DiskBytes = new DirectoryInfo(_dataDirectory).EnumerateFiles("*", SearchOption.AllDirectories)
                .Where(f => f.FullName != LogPath).Sum(f => f.Length);
        }
        if (_dataDirectory is not null && Environment.GetEnvironmentVariable("LOADGEN_KEEP_DATA") is null)
        {
            try { Directory.Delete(_dataDirectory, recursive: true); }
            catch (IOException) { }
        }
        _stopSampling.Dispose();
    }
}

/// <param name="Seconds">Since the server started.</param>
/// <param name="RssMb">Resident set size.</param>
/// <param name="CpuSeconds">User + system CPU time used so far.</param>
internal readonly record struct ResourceSample(double Seconds, double RssMb, double CpuSeconds);
