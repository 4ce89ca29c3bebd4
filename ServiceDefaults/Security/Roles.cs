namespace CustomerBase.ServiceDefaults.Security;

/// <summary>The built-in roles, carried in the token's <c>role</c> claim. What each may do is in <see cref="RolePermissions"/>.</summary>
public static class Roles
{
    public const string Administrator = "administrator";
    public const string HeadOfSales = "head-of-sales";
    public const string SalesManager = "sales-manager";
    public const string Marketer = "marketer";
    public const string Analyst = "analyst";
    public const string Support = "support";
    public const string Auditor = "auditor";

    /// <summary>Service accounts (campaign tooling, integrations): they may do only what their <c>scope</c> claim names.</summary>
    public const string Integration = "integration";

    public static readonly IReadOnlyList<string> All = [Administrator, HeadOfSales, SalesManager, Marketer, Analyst, Support, Auditor, Integration];
}

/// <summary>What an endpoint requires. Each is also an authorization policy of the same name.</summary>
public static class Permissions
{
    public const string ContactsRead = "contacts.read";
    public const string ContactsWrite = "contacts.write";
    public const string ContactsExport = "contacts.export";

    /// <summary>Define the base's custom fields.</summary>
    public const string ContactsConfigure = "contacts.configure";
    public const string InteractionsRead = "interactions.read";
    public const string InteractionsWrite = "interactions.write";
    public const string TasksRead = "tasks.read";
    public const string TasksWrite = "tasks.write";
    public const string SegmentsRead = "segments.read";
    public const string SegmentsWrite = "segments.write";
    public const string CampaignsRead = "campaigns.read";
    public const string CampaignsWrite = "campaigns.write";
    public const string ConsentRead = "consent.read";
    public const string ConsentWrite = "consent.write";
    public const string AuditRead = "audit.read";

    /// <summary>Data-subject requests: export everything held about a person, erase a person.</summary>
    public const string PersonalDataRequests = "personal-data.requests";

    public static readonly IReadOnlyList<string> All =
    [
        ContactsRead, ContactsWrite, ContactsExport, ContactsConfigure, InteractionsRead, InteractionsWrite, TasksRead, TasksWrite, SegmentsRead, SegmentsWrite,
        CampaignsRead, CampaignsWrite, ConsentRead, ConsentWrite, AuditRead, PersonalDataRequests,
    ];
}

/// <summary>The table of roles and permissions (docs/security.md shows the same table).</summary>
public static class RolePermissions
{
    private static readonly Dictionary<string, HashSet<string>> Table = new()
    {
        [Roles.Administrator] = [.. Permissions.All],
        [Roles.HeadOfSales] =
        [
            Permissions.ContactsRead, Permissions.ContactsWrite, Permissions.ContactsExport, Permissions.ContactsConfigure, Permissions.InteractionsRead,
            Permissions.InteractionsWrite, Permissions.TasksRead, Permissions.TasksWrite, Permissions.SegmentsRead, Permissions.CampaignsRead,
            Permissions.ConsentRead, Permissions.ConsentWrite,
        ],
        [Roles.SalesManager] =
        [
            Permissions.ContactsRead, Permissions.ContactsWrite, Permissions.InteractionsRead, Permissions.InteractionsWrite,
            Permissions.TasksRead, Permissions.TasksWrite, Permissions.SegmentsRead, Permissions.ConsentRead, Permissions.ConsentWrite,
        ],
        [Roles.Marketer] =
        [
            Permissions.ContactsRead, Permissions.SegmentsRead, Permissions.SegmentsWrite, Permissions.CampaignsRead,
            Permissions.CampaignsWrite, Permissions.ConsentRead,
        ],
        [Roles.Analyst] = [Permissions.SegmentsRead, Permissions.CampaignsRead],
        [Roles.Support] =
        [
            Permissions.ContactsRead, Permissions.ContactsWrite, Permissions.InteractionsRead, Permissions.InteractionsWrite,
            Permissions.TasksRead, Permissions.TasksWrite, Permissions.ConsentRead, Permissions.ConsentWrite, Permissions.PersonalDataRequests,
        ],
        [Roles.Auditor] = [Permissions.AuditRead],
        [Roles.Integration] = [],
    };

    public static bool Grants(string role, string permission) =>
        Table.TryGetValue(role, out var permissions) && permissions.Contains(permission);
}
