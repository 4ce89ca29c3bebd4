namespace CustomerBase.Hosting;

/// <summary>A throwaway data folder for a test run or a benchmark, deleted on dispose.</summary>
public sealed class TemporaryDataDirectory : IDisposable
{
    public TemporaryDataDirectory(string purpose)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"customerbase-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            // PostgreSQL runs as the postgres user, which must be able to enter the folder (rwxr-xr-x).
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be flushing a file; the folder is under the temp directory and harmless.
        }
    }
}
