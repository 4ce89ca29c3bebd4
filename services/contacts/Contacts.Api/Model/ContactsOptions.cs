namespace CustomerBase.Contacts.Model;

public sealed class ContactsOptions
{
    /// <summary>The region a phone number written without a country code belongs to (ISO 3166 alpha-2).</summary>
    public string DefaultPhoneRegion { get; set; } = "US";

    public ImportOptions Import { get; set; } = new();

    public ExportOptions Export { get; set; } = new();

    public BulkAccessOptions BulkAccess { get; set; } = new();
}

/// <summary>Limits and tuning of customer-list imports (section <c>ContactsOptions:Import</c>).</summary>
public sealed class ImportOptions
{
    /// <summary>Uploads larger than this are refused with 413 (the gateway allows up to 2 GiB on import routes).</summary>
    public long MaxFileBytes { get; set; } = 1L << 30;

    /// <summary>Where uploads wait for their job; deleted when the job ends.</summary>
    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "customerbase-imports");

    /// <summary>Rows per transaction.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// A bulk load (secondary indexes rebuilt after the load, ADR 13) is used for a file of at least this many rows
    /// when the base holds fewer than <see cref="BulkLoadMaxExistingShare"/> times as many contacts as the file.
    /// </summary>
    public long BulkLoadMinRows { get; set; } = 100_000;

    public double BulkLoadMaxExistingShare { get; set; } = 0.5;
}

/// <summary>Export control (section <c>ContactsOptions:Export</c>): how much of the base one person may take away in a day.</summary>
public sealed class ExportOptions
{
    /// <summary>Rows one user may export per UTC day, across all their exports; an export that would pass it is refused whole.</summary>
    public long MaxRowsPerUserPerDay { get; set; } = 50_000;
}

/// <summary>The bulk-read alarm (section <c>ContactsOptions:BulkAccess</c>).</summary>
public sealed class BulkAccessOptions
{
    /// <summary>Distinct contacts one user may read in a clock hour before <c>SuspiciousBulkAccess</c> is raised.</summary>
    public long MaxDistinctContactsPerHour { get; set; } = 2_000;

    /// <summary>Per-role thresholds that replace the default (e.g. support reads many cards a day).</summary>
    public Dictionary<string, long> PerRole { get; set; } = [];

    /// <summary>A list or search page of at least this many rows is a bulk read: it goes into consent's audit trail.</summary>
    public int AuditedPageRows { get; set; } = 100;

    /// <summary>Suspend the user's access to contacts when the alarm is raised, until an administrator lifts it.</summary>
    public bool BlockAutomatically { get; set; } = true;
}
