using System.Security.Claims;
using System.Text;
using CustomerBase.Contacts.Apis;
using CustomerBase.Consent.Contracts;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Npgsql;
using Sylvan.Data.Csv;

namespace CustomerBase.Contacts.Export;

/// <summary>
/// <c>GET /api/contacts/export</c>: the contacts matching the list filters, as CSV (streamed from the database row by
/// row) or XLSX, with the chosen <c>fields</c>. Needs the export permission, counts against the user's daily quota,
/// and is recorded in consent's audit trail (<see cref="PersonalDataAccessed"/>) before the first row leaves.
/// </summary>
public static class ExportApi
{
    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("api/contacts/export", ExportContacts).WithName(nameof(ExportContacts)).RequireAuthorization(Permissions.ContactsExport)
            .Produces(200, contentType: "text/csv").Produces(200, contentType: XlsxType);
        return app;
    }

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> ExportContacts(
        HttpContext http, ContactsDbContext db, PhoneNormalizer phones, ExportQuota quota, CustomFieldCatalog customFields, ClaimsPrincipal user, CancellationToken ct,
        string? format = null, string? fields = null, string? q = null, bool fuzzy = false, string? email = null, string? phone = null,
        string? tag = null, string? ownerId = null, string? team = null)
    {
        var errors = new ValidationErrors();
        var filter = ContactFilter.Read(errors, phones, q, fuzzy, email, phone, tag, ownerId, team);
        var kind = format ?? "csv";
        errors.OneOf("format", kind, new HashSet<string> { "csv", "xlsx" });
        var chosen = fields?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList() ?? [.. ExportFields.Default];
        var unknown = chosen.Where(f => ExportFields.Column(f, customFields) is null).ToList();
        if (chosen.Count == 0 || unknown.Count > 0)
        {
            errors.Add("fields", $"Unknown field(s) {string.Join(", ", unknown)}; choose from: {string.Join(", ", ExportFields.All.Keys)}, or customFields.<key>.");
        }
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var (matching, parameters) = ContactQueries.Sql(filter, user);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM ({matching}) AS m", connection))
        {
            count.Parameters.AddRange(Copy(parameters));
            var rows = (long)(await count.ExecuteScalarAsync(ct))!;
            var userId = user.FindFirst(ClaimNames.Subject)?.Value ?? "";
            var now = DateTimeOffset.UtcNow;
            var (granted, used) = await quota.TryReserveAsync(userId, rows, now);
            if (!granted)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Export quota exceeded.",
                    detail: $"This export has {rows:N0} rows; you have exported {used:N0} of your {quota.Limit:N0} rows today. Narrow the filter or ask an administrator.");
            }
            db.AddToOutbox(new PersonalDataAccessed(ResourceNames.Contacts, userId, now, $"contacts.export.{kind}",
                $"{filter.Describe()} fields={string.Join(',', chosen)}", (int)Math.Min(rows, int.MaxValue), null));
            await db.SaveChangesAsync(ct);
        }

        await using var query = new NpgsqlCommand("", connection);
        query.Parameters.AddRange(Copy(parameters));
        var select = string.Join(", ", chosen.Select(f =>
        {
            var (header, sql, key) = ExportFields.Column(f, customFields)!.Value;
            if (key is not null)
            {
                sql = $"custom_fields ->> @field{query.Parameters.Count}";
                query.Parameters.AddWithValue($"field{query.Parameters.Count}", key);
            }
            return $"{sql} AS \"{header.Replace("\"", "\"\"")}\"";
        }));
        query.CommandText = $"SELECT {select} FROM ({matching}) AS c ORDER BY id";
        await using var reader = await query.ExecuteReaderAsync(ct);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"contacts-{DateTime.UtcNow:yyyyMMdd-HHmm}.{kind}\"";
        if (kind == "csv")
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            // With a byte-order mark, so that Excel opens Cyrillic and Polish names correctly.
            await using var text = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16, leaveOpen: true);
            await using var csv = CsvDataWriter.Create(text);
            await csv.WriteAsync(reader, ct);
        }
        else
        {
            // A workbook is a zip whose directory comes last: written to a temporary file, then sent.
            http.Response.ContentType = XlsxType;
            await using var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await file.SaveAsAsync(reader, excelType: ExcelType.XLSX, cancellationToken: ct);
            file.Position = 0;
            await file.CopyToAsync(http.Response.Body, ct);
        }
        return TypedResults.Empty;
    }

    private static NpgsqlParameter[] Copy(List<NpgsqlParameter> parameters) => [.. parameters.Select(p => p.Clone())];
}
