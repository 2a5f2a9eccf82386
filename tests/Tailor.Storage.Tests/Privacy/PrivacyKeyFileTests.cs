using Tailor.Core.Privacy;
using Tailor.Storage.Privacy;

namespace Tailor.Storage.Tests.Privacy;

public sealed class PrivacyKeyFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tailor-keys-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_first_start_creates_a_private_key_file_in_the_data_directory_and_the_next_reads_it()
    {
        var (first, origin, created) = PrivacyKeyFile.Resolve(null, null, _directory);
        Assert.True(created);
        Assert.Equal(PrivacyKeyFile.DefaultPath(_directory), origin);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(origin));
        var (second, _, createdAgain) = PrivacyKeyFile.Resolve(null, null, _directory);
        Assert.False(createdAgain);
        Assert.Equal(first.ToJson(), second.ToJson());
    }

    [Fact]
    public void Keys_from_configuration_win_over_the_key_file()
    {
        var inline = PrivacyKeyRing.Generate();
        var path = Path.Combine(_directory, "other.json");
        PrivacyKeyFile.Write(path, PrivacyKeyRing.Generate(), replace: false);
        var (keys, _, created) = PrivacyKeyFile.Resolve(inline.ToJson(), path, _directory);
        Assert.False(created);
        Assert.Equal(inline.ToJson(), keys.ToJson());
        Assert.False(File.Exists(PrivacyKeyFile.DefaultPath(_directory)));
    }

    [Fact]
    public void A_key_file_is_never_overwritten_by_accident_and_a_rotation_keeps_the_older_keys()
    {
        var path = Path.Combine(_directory, "keys.json");
        var keys = PrivacyKeyRing.Generate();
        PrivacyKeyFile.Write(path, keys, replace: false);
        Assert.Throws<IOException>(() => PrivacyKeyFile.Write(path, PrivacyKeyRing.Generate(), replace: false));
        PrivacyKeyFile.Write(path, keys.WithNewActiveKey(), replace: true);
        var read = PrivacyKeyFile.Read(path);
        Assert.Equal(2, read.ActiveVersion);
        Assert.Equal([1, 2], read.Versions);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void A_missing_configured_key_file_is_refused_naming_it()
    {
        var path = Path.Combine(_directory, "missing.json");
        var e = Assert.Throws<FileNotFoundException>(() => PrivacyKeyFile.Resolve(null, path, _directory));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
