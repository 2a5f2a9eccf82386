using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Tailor.Server.Tests.Hosting;

/// <summary>Runs Node.js programs (npm, node) for the tests that drive real JavaScript clients and the browser.</summary>
internal static class NodeProcess
{
    /// <summary>Runs <paramref name="fileName"/> in <paramref name="directory"/>; fails the test on a non-zero exit or the timeout. Returns stdout and stderr.</summary>
    public static async Task<string> RunAsync(string fileName, string directory, string[] arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"'{fileName}' could not be started ({e.Message}). This test needs Node.js 18+ and npm on PATH; CI has them.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds}s:\n{output}");
        }
        process.WaitForExit(); // drains the redirected output
        string text;
        lock (output) text = output.ToString();
        Assert.True(process.ExitCode == 0, $"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{text}");
        return text;
    }
}
