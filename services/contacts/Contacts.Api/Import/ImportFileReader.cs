using System.Globalization;
using System.Text;
using MiniExcelLibs;
using Sylvan.Data.Csv;

namespace CustomerBase.Contacts.Import;

/// <summary>One data row of an uploaded file: its spreadsheet row number (the header is row 1) and its cells as text.</summary>
public readonly record struct ImportRow(long Number, string?[] Values, int ValueCount);

/// <summary>
/// Reads an uploaded file row by row without holding it in memory: CSV through Sylvan (delimiter detected from the
/// header unless given), XLSX through MiniExcel's streaming reader. Cells come back as text; spreadsheet dates as
/// yyyy-MM-dd and numbers in invariant form, so a phone stored as a number reads as its digits.
/// </summary>
public abstract class ImportFileReader : IDisposable
{
    protected ImportFileReader(FileStream file) => File = file;

    protected FileStream File { get; }

    public abstract IReadOnlyList<string> Headers { get; }

    /// <summary>How far into the file the reader is, for the job's percentage.</summary>
    public long BytesRead => File.Position;

    public abstract IEnumerable<ImportRow> Rows();

    public static ImportFileReader Open(string path, string format, ImportSettings settings)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            return format == "xlsx" ? new XlsxReader(file) : new CsvReader(file, settings);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        DisposeReader();
        File.Dispose();
        GC.SuppressFinalize(this);
    }

    protected virtual void DisposeReader()
    {
    }

    private sealed class CsvReader : ImportFileReader
    {
        private readonly CsvDataReader reader;
        private readonly string[] headers;

        public CsvReader(FileStream file, ImportSettings settings) : base(file)
        {
            var text = new StreamReader(file, ImportEncodings.Get(settings.Encoding), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            var options = new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16, MaxBufferSize = 1 << 22 };
            if (settings.Delimiter is { } delimiter)
            {
                options.Delimiter = delimiter;
            }
            reader = CsvDataReader.Create(text, options);
            headers = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetName(i)).ToArray();
        }

        public override IReadOnlyList<string> Headers => headers;

        public override IEnumerable<ImportRow> Rows()
        {
            var number = 1L;
            while (reader.Read())
            {
                number++;
                var count = reader.RowFieldCount;
                var values = new string?[Math.Max(count, headers.Length)];
                for (var i = 0; i < count; i++)
                {
                    values[i] = reader.GetString(i);
                }
                yield return new ImportRow(number, values, count);
            }
        }

        protected override void DisposeReader() => reader.Dispose();
    }

    private sealed class XlsxReader : ImportFileReader
    {
        private readonly IEnumerator<IDictionary<string, object?>> rows;
        private readonly string[] headers;
        private readonly string[] columnNames;

        public XlsxReader(FileStream file) : base(file)
        {
            var query = file.Query(useHeaderRow: false, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>();
            rows = query.GetEnumerator();
            if (!rows.MoveNext())
            {
                throw new InvalidDataException("The workbook's first sheet is empty.");
            }
            var header = rows.Current;
            columnNames = header.Keys.ToArray();
            headers = header.Values.Select(v => Text(v) ?? "").ToArray();
        }

        public override IReadOnlyList<string> Headers => headers;

        public override IEnumerable<ImportRow> Rows()
        {
            var number = 1L;
            while (rows.MoveNext())
            {
                number++;
                var cells = rows.Current;
                var values = new string?[Math.Max(cells.Count, headers.Length)];
                var count = 0;
                var i = 0;
                foreach (var cell in cells.Values)
                {
                    values[i] = Text(cell);
                    i++;
                    if (values[i - 1] is not null) count = i;
                }
                if (count == 0)
                {
                    continue; // blank rows between data are common in hand-kept sheets
                }
                yield return new ImportRow(number, values, count);
            }
        }

        protected override void DisposeReader() => rows.Dispose();

        private static string? Text(object? value) => value switch
        {
            null => null,
            string s => s,
            DateTime d => d.TimeOfDay == TimeSpan.Zero ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : d.ToString("s", CultureInfo.InvariantCulture),
            double n => n.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}

/// <summary>The encodings an upload may be in; anything else is refused when the import is created.</summary>
public static class ImportEncodings
{
    static ImportEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static readonly IReadOnlyList<string> Names = ["utf-8", "utf-16", "windows-1250", "windows-1251", "windows-1252", "iso-8859-2", "koi8-r"];

    public static Encoding Get(string name) => Encoding.GetEncoding(name);

    public static bool IsKnown(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);
}
