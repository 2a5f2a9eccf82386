using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Tailor.Server.Tests.Hosting;

/// <summary>
/// The real <c>tailor serve</c> process (the CLI's build output), on a free loopback port, for tests that must kill it.
/// </summary>
public sealed partial class TailorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TailorProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    /// <summary>The process id (to tell nodes apart in a cluster test).</summary>
    public int Id => _process.Id;

    /// <summary>Everything the process printed so far, for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Path of <c>tailor.dll</c>, built before this project (see the project file).</summary>
    public static string CliPath
    {
        get
        {
            var path = typeof(TailorProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TailorCliPath").Value!;
            Assert.True(File.Exists(path), $"tailor.dll is not at {path}; build src/Tailor.Cli in the same configuration as the tests.");
            return path;
        }
    }

    /// <param name="arguments">More arguments of <c>tailor serve</c> (e.g. <c>--postgres</c>, <c>--rabbitmq</c>).</param>
    /// <param name="startTimeout">How long it may take to listen (default 30 s; a test that starts several nodes at once gives more).</param>
    public static async Task<TailorProcess> StartAsync(string dataDirectory, string writeKey, string adminKey, IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<string>? arguments = null, TimeSpan? startTimeout = null)
    {
        var timeout = startTimeout ?? TimeSpan.FromSeconds(30);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // A data directory that does not exist yet is created by tailor serve itself (with its own file modes).
            WorkingDirectory = Directory.Exists(dataDirectory) ? dataDirectory : Path.GetDirectoryName(dataDirectory)!,
        };
        foreach (var arg in new[] { CliPath, "serve", "--urls", "http://127.0.0.1:0", "--data", dataDirectory }.Concat(arguments ?? [])) info.ArgumentList.Add(arg);
        info.Environment["TAILOR_WRITE_KEY"] = writeKey;
        info.Environment["TAILOR_ADMIN_KEY"] = adminKey;
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;

        var tailor = new TailorProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        tailor._process.OutputDataReceived += (_, e) => tailor.OnLine(e.Data);
        tailor._process.ErrorDataReceived += (_, e) => tailor.OnLine(e.Data);
        tailor._process.Exited += (_, _) => tailor._listening.TrySetException(new InvalidOperationException($"tailor serve exited early:\n{tailor.Output}"));
        tailor._process.Start();
        tailor._process.BeginOutputReadLine();
        tailor._process.BeginErrorReadLine();
        try
        {
            tailor.BaseAddress = await tailor._listening.Task.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            await tailor.DisposeAsync();
            Assert.Fail($"tailor serve did not start listening within {timeout.TotalSeconds:0}s:\n{tailor.Output}");
        }
        return tailor;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what was acknowledged must already be on disk.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        // ASP.NET Core's lifetime log names the port Kestrel actually bound.
        if (ListeningLine().Match(line) is { Success: true } match) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        _process.Dispose();
        // The server's own log goes with the test's output (shown when the test fails): a 500 it answered names its
        // exception only there.
        try { TestContext.Current.TestOutputHelper?.WriteLine($"tailor serve printed (last {OutputShown:N0} characters):\n{Tail(Output)}"); }
        catch (InvalidOperationException) { } // disposed after its test ended: there is no test output to write to
    }

    private const int OutputShown = 20_000;

    private static string Tail(string output) => output.Length <= OutputShown ? output : output[^OutputShown..];
}
