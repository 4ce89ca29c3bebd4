using System.Security.Claims;
using System.Text.Json;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Sylvan.Data.Csv;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// Customer-list imports: upload a CSV or XLSX file (the raw body, or a multipart form with a <c>file</c> part), follow
/// the job, download the rejected rows as CSV. Options come as query parameters: <c>matchOn</c> (comma-separated:
/// externalId, email, phone), <c>encoding</c>, <c>delimiter</c>, <c>dateFormat</c>, and <c>mapping</c>, a JSON object
/// from header to field ("" ignores a column).
/// </summary>
public static class ImportsApi
{
    private static readonly char[] Delimiters = [',', ';', '\t', '|'];

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/contacts/imports").RequireAuthorization(Permissions.ContactsWrite);
        api.MapPost("/", StartImport).WithName(nameof(StartImport)).DisableAntiforgery()
            .Accepts<IFormFile>("text/csv", "multipart/form-data", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        api.MapGet("/", ListImports).WithName(nameof(ListImports));
        api.MapGet("/{id:guid}", GetImport).WithName(nameof(GetImport));
        api.MapGet("/{id:guid}/errors", GetImportErrors).WithName(nameof(GetImportErrors)).Produces(200, contentType: "text/csv");
        return app;
    }

    public static async Task<Results<Accepted<ImportJobResponse>, ValidationProblem, ProblemHttpResult>> StartImport(
        HttpContext http, ContactsDbContext db, ImportQueue queue, CustomFieldCatalog customFields, IOptions<ContactsOptions> options, ClaimsPrincipal user, CancellationToken ct,
        string? matchOn = null, string? encoding = null, string? delimiter = null, string? dateFormat = null, string? mapping = null)
    {
        var limits = options.Value.Import;
        var errors = new ValidationErrors();
        var settings = ReadSettings(errors, customFields, matchOn, encoding, delimiter, dateFormat, mapping);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }
        var slack = 1 << 20; // multipart framing
        if (http.Request.ContentLength > limits.MaxFileBytes + slack)
        {
            return TooLarge(limits);
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxFileBytes + slack;
        }

        var (body, fileName) = await OpenFileAsync(http, ct);
        if (body is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the file as the request body, or as the 'file' part of a multipart form."] });
        }
        var id = Guid.CreateVersion7();
        var (withinLimit, bytes) = await ImportUploads.SaveAsync(limits, id, body, ct);
        if (!withinLimit)
        {
            return TooLarge(limits);
        }
        if (bytes == 0)
        {
            ImportUploads.Delete(limits, id);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["The file is empty."] });
        }

        var job = new ImportJob
        {
            Id = id,
            Status = ImportStatus.Queued,
            Format = ImportUploads.DetectFormat(limits, id),
            FileName = fileName is null ? null : Path.GetFileName(fileName)[..Math.Min(Path.GetFileName(fileName).Length, ContactRules.ShortTextMaxLength)],
            FileBytes = bytes,
            Settings = settings,
            CreatedBy = user.FindFirst(ClaimNames.Subject)?.Value ?? "",
            Team = user.FindFirst(ClaimNames.Team)?.Value,
            RestrictedToTeam = ContactAccess.IsRestrictedToTeam(user),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        queue.Enqueue(job.Id);
        return TypedResults.Accepted($"/api/contacts/imports/{job.Id}", ImportJobResponse.Of(job));
    }

    public static async Task<Ok<List<ImportJobResponse>>> ListImports(ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct, int? limit = null)
    {
        var jobs = await Visible(db, user).OrderByDescending(j => j.CreatedAt).Take(Math.Clamp(limit ?? 20, 1, 100)).ToListAsync(ct);
        return TypedResults.Ok(jobs.Select(ImportJobResponse.Of).ToList());
    }

    public static async Task<Results<Ok<ImportJobResponse>, NotFound>> GetImport(Guid id, ContactsDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var job = await Visible(db, user).FirstOrDefaultAsync(j => j.Id == id, ct);
        return job is null ? TypedResults.NotFound() : TypedResults.Ok(ImportJobResponse.Of(job));
    }

    /// <summary>The rejected rows as CSV (row, column, reason), streamed from the database.</summary>
    public static async Task<Results<EmptyHttpResult, NotFound>> GetImportErrors(Guid id, ContactsDbContext db, ClaimsPrincipal user, HttpContext http, CancellationToken ct)
    {
        if (!await Visible(db, user).AnyAsync(j => j.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{id}-errors.csv\"";
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("""SELECT "row", "column", reason FROM import_row_errors WHERE import_id = @id ORDER BY "row", id""", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await using var text = new StreamWriter(http.Response.Body, leaveOpen: true);
        await using var csv = CsvDataWriter.Create(text);
        await csv.WriteAsync(reader, ct);
        return TypedResults.Empty;
    }

    private static IQueryable<ImportJob> Visible(ContactsDbContext db, ClaimsPrincipal user)
    {
        var jobs = db.ImportJobs.AsNoTracking();
        if (!ContactAccess.IsRestrictedToTeam(user))
        {
            return jobs;
        }
        var subject = user.FindFirst(ClaimNames.Subject)?.Value ?? "";
        return jobs.Where(j => j.CreatedBy == subject);
    }

    private static ImportSettings ReadSettings(ValidationErrors errors, CustomFieldCatalog customFields, string? matchOn, string? encoding, string? delimiter, string? dateFormat, string? mapping)
    {
        var settings = new ImportSettings();
        if (matchOn is not null)
        {
            var keys = matchOn.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (keys.Count == 0 || keys.Any(k => !ImportFields.MatchKeys.Contains(k)))
            {
                errors.Add("matchOn", $"A comma-separated list of: {string.Join(", ", ImportFields.MatchKeys)}.");
            }
            settings.MatchOn = keys;
        }
        if (encoding is not null)
        {
            if (ImportEncodings.IsKnown(encoding)) settings.Encoding = encoding.ToLowerInvariant();
            else errors.Add("encoding", $"One of: {string.Join(", ", ImportEncodings.Names)}.");
        }
        if (delimiter is not null)
        {
            var d = delimiter == "\\t" || delimiter == "tab" ? '\t' : delimiter.Length == 1 ? delimiter[0] : '\0';
            if (Delimiters.Contains(d)) settings.Delimiter = d;
            else errors.Add("delimiter", "One of: , ; | tab.");
        }
        if (dateFormat is not null)
        {
            if (dateFormat.Length is > 0 and <= 40) settings.DateFormat = dateFormat;
            else errors.Add("dateFormat", "A .NET date format of up to 40 characters, e.g. dd.MM.yyyy.");
        }
        if (mapping is not null)
        {
            try
            {
                var map = JsonSerializer.Deserialize<Dictionary<string, string>>(mapping) ?? [];
                foreach (var (header, field) in map)
                {
                    var isCustom = field.StartsWith(ImportFields.CustomFieldPrefix, StringComparison.Ordinal)
                                   && customFields.Find(field[ImportFields.CustomFieldPrefix.Length..]) is not null;
                    if (field.Length > 0 && !ImportFields.IsField(field) && !isCustom)
                    {
                        errors.Add($"mapping.{header}", $"Unknown field '{field}'; one of: {string.Join(", ", ImportFields.All)}, customFields.<key> of a defined custom field, or \"\" to ignore the column.");
                    }
                }
                settings.Mapping = map.ToDictionary(m => m.Key.Trim(), m => m.Value);
            }
            catch (JsonException)
            {
                errors.Add("mapping", "A JSON object from column header to field, e.g. {\"Kundennummer\":\"externalId\"}.");
            }
        }
        return settings;
    }

    /// <summary>The file: the request body itself, or the first file part of a multipart form (streamed, never buffered).</summary>
    private static async Task<(Stream? Body, string? FileName)> OpenFileAsync(HttpContext http, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (http.Request.Body, null);
        }
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return (null, null);
        }
        var reader = new MultipartReader(boundary, http.Request.Body);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
            {
                return (section.Body, disposition.FileNameStar.Value ?? disposition.FileName.Value?.Trim('"'));
            }
        }
        return (null, null);
    }

    private static ProblemHttpResult TooLarge(ImportOptions limits) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The file is too large.",
        detail: $"Imports are limited to {limits.MaxFileBytes:N0} bytes ({limits.MaxFileBytes / (1024.0 * 1024):0.#} MiB); split the file or ask an administrator to raise ContactsOptions:Import:MaxFileBytes.");
}

/// <summary>An import job as the API shows it; <c>errors</c> is where the rejected rows can be downloaded.</summary>
public sealed record ImportJobResponse(
    Guid Id, string Status, string? FileName, string Format, long FileBytes, long RowsRead, long Created, long Updated, long Unchanged, long Failed,
    int Percent, IReadOnlyDictionary<string, string> Columns, IReadOnlyList<string> IgnoredColumns, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? FailureReason, bool BulkLoad, string Errors)
{
    public static ImportJobResponse Of(ImportJob job) => new(
        job.Id, job.Status.ToString().ToLowerInvariant(), job.FileName, job.Format, job.FileBytes, job.RowsRead, job.Created, job.Updated,
        job.Unchanged, job.Failed, job.Percent, job.Columns, job.IgnoredColumns, job.CreatedAt, job.StartedAt, job.FinishedAt,
        job.FailureReason, job.BulkLoad, $"/api/contacts/imports/{job.Id}/errors");
}
