namespace Tailor.Storage.Sqlite;

/// <summary>
/// The data directory and database files hold every profile: on Unix they are made readable by the owner only — the
/// directory 0700 when Tailor creates it, the database and its <c>-wal</c> / <c>-shm</c> files 0600 (SQLite gives the
/// latter the mode of the database file, and files left from an older install are tightened on open).
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory of <paramref name="databasePath"/> and an empty database file (SQLite treats it as new), both private.</summary>
    public static void Prepare(string databasePath)
    {
        var directory = Path.GetDirectoryName(databasePath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory)) Directory.CreateDirectory(directory, OwnerDirectory);
        if (!File.Exists(databasePath))
        {
            try
            {
                using var _ = new FileStream(databasePath, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerFile });
            }
            catch (IOException) when (File.Exists(databasePath))
            {
                // Another process created it first: tightened below like any existing file.
            }
        }
        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerFile) != 0) File.SetUnixFileMode(file, OwnerFile);
        }
    }
}
