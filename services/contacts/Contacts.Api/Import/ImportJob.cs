namespace CustomerBase.Contacts.Import;

/// <summary>
/// An upload of a customer list, processed in the background. The counters are written in the same transaction as
/// each batch of contacts and its error rows, so what <c>GET</c> shows is always what is stored.
/// </summary>
public sealed class ImportJob
{
    public Guid Id { get; init; }
    public ImportStatus Status { get; set; }
    public string Format { get; init; } = "csv";
    public string? FileName { get; init; }
    public long FileBytes { get; init; }

    /// <summary>The options as given (validated): match keys, explicit mapping, encoding, delimiter, date format.</summary>
    public ImportSettings Settings { get; init; } = new();

    /// <summary>How the file's columns were understood: header → field, once the header row was read.</summary>
    public Dictionary<string, string> Columns { get; set; } = [];
    public List<string> IgnoredColumns { get; set; } = [];

    public long RowsRead { get; set; }
    public long Created { get; set; }
    public long Updated { get; set; }
    public long Unchanged { get; set; }
    public long Failed { get; set; }
    public long BytesRead { get; set; }

    /// <summary>Who uploaded it; a sales manager's import is owned by them and matches only contacts they can see.</summary>
    public string CreatedBy { get; init; } = "";
    public string? Team { get; init; }
    public bool RestrictedToTeam { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>
    /// The definitions of the secondary indexes dropped for a bulk load (see ADR 13), kept until they are rebuilt so
    /// that a crash in between is repaired at the next start.
    /// </summary>
    public List<string> DroppedIndexes { get; set; } = [];

    /// <summary>Whether the import ran as a bulk load (a large file into a small base; ADR 13).</summary>
    public bool BulkLoad { get; set; }

    public int Percent => Status == ImportStatus.Completed ? 100 : FileBytes == 0 ? 0 : (int)Math.Min(99, BytesRead * 100 / FileBytes);
}

public enum ImportStatus
{
    Queued,
    Running,
    Completed,
    Failed,
}

public sealed class ImportSettings
{
    /// <summary>Keys that find an existing contact to update, tried in this order: externalId, email, phone.</summary>
    public List<string> MatchOn { get; set; } = [.. ImportFields.MatchKeys];

    /// <summary>Header → field for columns the automatic mapping does not recognise or gets wrong; "" ignores a column.</summary>
    public Dictionary<string, string> Mapping { get; set; } = [];
    public string Encoding { get; set; } = "utf-8";
    public char? Delimiter { get; set; }

    /// <summary>A .NET date format tried before the usual ones (yyyy-MM-dd, dd.MM.yyyy, dd/MM/yyyy).</summary>
    public string? DateFormat { get; set; }
}

/// <summary>One rejected value: the spreadsheet row number (the header is row 1), the column as headed in the file, why.</summary>
public sealed class ImportRowError
{
    public long Id { get; init; }
    public Guid ImportId { get; init; }
    public long Row { get; init; }
    public string? Column { get; init; }
    public string Reason { get; init; } = "";
}
