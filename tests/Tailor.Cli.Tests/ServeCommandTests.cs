namespace Tailor.Cli.Tests;

/// <summary><c>tailor serve</c> reads the <c>Tailor</c> configuration section and refuses to start on a setting that breaks its rule.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task A_bad_setting_in_appsettings_stops_serve_with_its_key_and_rule_before_the_store_is_created()
    {
        Directory.CreateDirectory(_dir.File("data")); // appsettings.json lives in the data directory
        await File.WriteAllTextAsync(_dir.File("data/appsettings.json"), """{"Tailor": {"Followers": {"PollInterval": "00:00:00"}, "Security": {"ApiMaxJsonDepth": 2}}}""",
            TestContext.Current.CancellationToken);

        var (exitCode, output) = await Tailor.RunAsync(_dir.Path, "serve", "--urls", "http://127.0.0.1:0", "--data", _dir.File("data"));

        Assert.Equal(2, exitCode);
        Assert.Contains("Tailor:Followers:PollInterval must be more than zero", output, StringComparison.Ordinal);
        Assert.Contains("Tailor:Security:ApiMaxJsonDepth must be from 4 to 256, not 2", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("data/tailor.db")));
    }

    public void Dispose() => _dir.Dispose();
}
