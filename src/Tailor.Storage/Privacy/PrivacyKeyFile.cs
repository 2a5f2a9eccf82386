using Tailor.Core.Privacy;

namespace Tailor.Storage.Privacy;

/// <summary>
/// Reads and writes privacy key files (<see cref="PrivacyKeyRing.ToJson"/>): written whole to a private temporary file
/// (mode 0600 on Unix) and renamed over the target, so a reader never sees half a key file.
/// </summary>
public static class PrivacyKeyFile
{
    /// <summary>The key file Tailor creates on a first start when none is configured.</summary>
    public static string DefaultPath(string dataDirectory) => Path.Combine(dataDirectory, "privacy-keys.json");

    /// <summary>Reads a key file; a missing or malformed one is refused naming the file (never its content).</summary>
    public static PrivacyKeyRing Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The privacy key file {path} does not exist (create one with `tailor encryption generate-key --out {path}`).", path);
        try
        {
            return PrivacyKeyRing.Parse(File.ReadAllText(path));
        }
        catch (FormatException e)
        {
            throw new FormatException($"The privacy key file {path} is not valid: {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="keys"/> to <paramref name="path"/> readable by the owner only; refuses to replace a file unless <paramref name="replace"/>.</summary>
    public static void Write(string path, PrivacyKeyRing keys, bool replace)
    {
        if (!replace && File.Exists(path)) throw new IOException($"{path} exists: a key file is never overwritten by accident (losing it loses the data it protects).");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(keys.ToJson());
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: replace);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// The key ring as configured: the keys themselves (<paramref name="inlineKeys"/>, the key file's JSON from the
    /// environment), else <paramref name="keyFile"/>, else the default file in the data directory, created on a first
    /// start (<c>Created</c> is then true: the caller says so in its log).
    /// </summary>
    public static (PrivacyKeyRing Keys, string Origin, bool Created) Resolve(string? inlineKeys, string? keyFile, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(inlineKeys))
        {
            try { return (PrivacyKeyRing.Parse(inlineKeys), "configuration (Tailor:Privacy:Keys)", false); }
            catch (FormatException e) { throw new FormatException($"Tailor:Privacy:Keys is not a valid privacy key file: {e.Message}", e); }
        }
        if (!string.IsNullOrWhiteSpace(keyFile)) return (Read(keyFile), keyFile, false);
        var path = DefaultPath(dataDirectory);
        if (File.Exists(path)) return (Read(path), path, false);
        var keys = PrivacyKeyRing.Generate();
        try
        {
            Write(path, keys, replace: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            return (Read(path), path, false); // another process made it first
        }
        return (keys, path, true);
    }
}
