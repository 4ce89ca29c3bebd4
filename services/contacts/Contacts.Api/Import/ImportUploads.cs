using CustomerBase.Contacts.Model;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// Uploads are copied to disk as they arrive, counting bytes, so a file over the limit is stopped at the limit and a
/// gigabyte never sits in memory; the job reads the copy and deletes it when it ends.
/// </summary>
public static class ImportUploads
{
    public static string PathOf(ImportOptions options, Guid jobId) => Path.Combine(options.Directory, $"{jobId:N}.upload");

    /// <summary>Copies <paramref name="body"/> to the job's file; false (and no file) when it exceeds the limit.</summary>
    public static async Task<(bool WithinLimit, long Bytes)> SaveAsync(ImportOptions options, Guid jobId, Stream body, CancellationToken ct)
    {
        Directory.CreateDirectory(options.Directory);
        var path = PathOf(options, jobId);
        var buffer = new byte[1 << 16];
        long total = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > options.MaxFileBytes)
                {
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        if (total > options.MaxFileBytes)
        {
            File.Delete(path);
            return (false, total);
        }
        return (true, total);
    }

    /// <summary>"xlsx" when the file is a zip (an Office Open XML workbook), else "csv".</summary>
    public static string DetectFormat(ImportOptions options, Guid jobId)
    {
        using var file = File.OpenRead(PathOf(options, jobId));
        Span<byte> magic = stackalloc byte[4];
        return file.Read(magic) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8) ? "xlsx" : "csv";
    }

    public static void Delete(ImportOptions options, Guid jobId)
    {
        try
        {
            File.Delete(PathOf(options, jobId));
        }
        catch (IOException)
        {
            // Left for the next clean-up; the job's outcome does not depend on it.
        }
    }
}
