using System.Security.Cryptography;
using Tailor.Core.Privacy;

namespace Tailor.Server.Privacy;

/// <summary>
/// The key of suppression hashes (<see cref="ISubjectHasher"/>): from <see cref="PrivacyOptions.SubjectKey"/>, else the
/// file <see cref="PrivacyOptions.SubjectKeyFile"/>, else <c>subject.key</c> in the data directory (made once with 32
/// random bytes, mode 0600). Every node of one PostgreSQL database must be given the same key.
/// </summary>
public static class SubjectKeys
{
    public const string FileName = "subject.key";

    public static ISubjectHasher Load(PrivacyOptions options, string dataDirectory)
    {
        if (options.SubjectKey is { Length: > 0 } configured)
            return new HmacSubjectHasher(Decode(configured) ?? throw new InvalidOperationException("Tailor:Privacy:SubjectKey is not base64 of 32 bytes or more"));
        var path = options.SubjectKeyFile is { Length: > 0 } file ? file : Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            if (options.SubjectKeyFile is { Length: > 0 }) throw new FileNotFoundException($"Tailor:Privacy:SubjectKeyFile: no file '{path}'", path);
            Directory.CreateDirectory(dataDirectory);
            var created = Convert.ToBase64String(RandomNumberGenerator.GetBytes(HmacSubjectHasher.MinKeyBytes));
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var stream = new FileStream(path, create);
                using var writer = new StreamWriter(stream);
                writer.Write(created);
            }
            catch (IOException) when (File.Exists(path)) { } // another process made it first: use theirs
        }
        return new HmacSubjectHasher(Decode(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} does not hold base64 of 32 bytes or more"));
    }

    /// <summary>The key bytes of base64 text, or null when it is not base64 of at least 32 bytes.</summary>
    public static byte[]? Decode(string text)
    {
        try
        {
            var bytes = Convert.FromBase64String(text.Trim());
            return bytes.Length >= HmacSubjectHasher.MinKeyBytes ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
