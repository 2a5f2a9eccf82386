namespace Tailor.Cli.Tests;

/// <summary><c>tailor templates …</c> and <c>tailor campaigns list</c>, run as a child process.</summary>
public sealed class ContentCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Templates_are_created_previewed_for_a_profile_listed_and_deleted()
    {
        var data = _dir.File("data");
        var events = _dir.File("people.ndjson");
        await File.WriteAllLinesAsync(events, ["""{"type":"identify","userId":"ann","traits":{"first_name":"Ann","locale":"de-DE"}}"""], Ct);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "import", events, "--data", data)).ExitCode);
        var profile = await Tailor.RunAsync(_dir.Path, "profile", "ann", "--data", data);
        var id = System.Text.RegularExpressions.Regex.Match(profile.Output, "prf_[0-9a-z]+").Value;

        var body = _dir.File("welcome.liquid");
        await File.WriteAllTextAsync(body, "Hallo {{ profile.first_name }}, {{ 5 | money }}\n{{ profile.traits.last_name }}", Ct);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "templates", "create", "welcome", "--file", body, "--subject", "Hi", "--data", data)).ExitCode);
        var preview = await Tailor.RunAsync(_dir.Path, "templates", "preview", "welcome", "--profile", id, "--data", data);
        Assert.Equal(0, preview.ExitCode);
        Assert.Contains("Hallo Ann, 5,00 €", preview.Output, StringComparison.Ordinal);
        Assert.Contains("missing: profile.traits.last_name (line 2)", preview.Output, StringComparison.Ordinal);
        Assert.Contains("welcome", (await Tailor.RunAsync(_dir.Path, "templates", "list", "--data", data)).Output, StringComparison.Ordinal);

        var broken = _dir.File("broken.liquid");
        await File.WriteAllTextAsync(broken, "ok\n{% if x %}", Ct);
        var refused = await Tailor.RunAsync(_dir.Path, "templates", "create", "broken", "--file", broken, "--data", data);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("line 2, column", refused.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "templates", "delete", "welcome", "--data", data)).ExitCode);
        Assert.Equal(2, (await Tailor.RunAsync(_dir.Path, "templates", "delete", "welcome", "--data", data)).ExitCode);
        Assert.Equal(0, (await Tailor.RunAsync(_dir.Path, "campaigns", "list", "--data", data)).ExitCode);
    }
}
