using System.Security.Claims;
using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Interactions.Model;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sylvan.Data.Csv;

namespace CustomerBase.Interactions.Apis;

/// <summary>
/// Bulk ingest of history as a job: upload a file (CSV or JSON lines), follow its progress, download the report of
/// the rows that were refused (the good rows are kept).
/// </summary>
public static class ImportsApi
{
    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/interactions/imports");
        api.MapPost("/", StartImport).WithName(nameof(StartImport)).RequireAuthorization(Permissions.InteractionsWrite)
            .Accepts<string>("text/csv", "application/x-ndjson", "application/jsonl")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute());
        api.MapGet("/{id:guid}", GetImport).WithName(nameof(GetImport)).RequireAuthorization(Permissions.InteractionsRead);
        api.MapGet("/{id:guid}/errors", GetImportErrors).WithName(nameof(GetImportErrors)).RequireAuthorization(Permissions.InteractionsRead);
        return app;
    }

    /// <summary>Stores the request body and queues the job: 202 with the job's address. The format is <c>format=csv|jsonl</c> or the Content-Type.</summary>
    public static async Task<Results<Accepted<ImportJobResponse>, ValidationProblem>> StartImport(
        string? format, HttpContext http, InteractionsDbContext db, ImportRunner runner, IOptions<ImportOptions> options, CancellationToken ct)
    {
        format ??= http.Request.ContentType?.Split(';')[0].Trim() switch
        {
            "text/csv" => ImportRowReader.Csv,
            "application/x-ndjson" or "application/jsonl" or "application/json-lines" => ImportRowReader.JsonLines,
            _ => null,
        };
        var errors = new ValidationErrors().OneOf("format", format, ImportRowReader.Formats, required: true);
        if (!errors.IsEmpty)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = DateTimeOffset.UtcNow;
        var job = new ImportJob
        {
            Id = Guid.CreateVersion7(now),
            Format = format!,
            Status = ImportStatuses.Queued,
            CreatedAt = now,
            CreatedBy = InteractionsApi.Caller(http.User),
        };
        Directory.CreateDirectory(options.Value.Directory);
        var path = Path.Combine(options.Value.Directory, $"{job.Id:N}.{format}");
        await using (var file = File.Create(path))
        {
            await http.Request.Body.CopyToAsync(file, ct);
        }
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        await runner.EnqueueAsync(new ImportWork(job.Id, path, job.Format, ContactCaller.From(http), job.CreatedBy), ct);
        return TypedResults.Accepted($"/api/interactions/imports/{job.Id}", ImportJobResponse.From(job));
    }

    public static async Task<Results<Ok<ImportJobResponse>, NotFound>> GetImport(Guid id, InteractionsDbContext db, HttpContext http, CancellationToken ct)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        return job is null || !MaySee(job, http.User) ? TypedResults.NotFound() : TypedResults.Ok(ImportJobResponse.From(job));
    }

    /// <summary>The refused rows as CSV (<c>row,field,message</c>; row 1 of a CSV file is its header), streamed from the database.</summary>
    public static async Task<Results<EmptyHttpResult, NotFound>> GetImportErrors(Guid id, InteractionsDbContext db, HttpContext http, CancellationToken ct)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null || !MaySee(job, http.User))
        {
            return TypedResults.NotFound();
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"import-{id:N}-errors.csv\"";
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT row_number AS row, field, message FROM import_row_errors WHERE job_id = @id ORDER BY row_number, field", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await using var text = new StreamWriter(http.Response.Body);
        await using var csv = CsvDataWriter.Create(text);
        await csv.WriteAsync(reader, ct);
        return TypedResults.Empty;
    }

    private static bool MaySee(ImportJob job, ClaimsPrincipal user) =>
        !TeamScope.IsRestrictedToTeam(user) || job.CreatedBy == InteractionsApi.Caller(user);
}

public sealed record ImportJobResponse(Guid Id, string Format, string Status, long RowsRead, long RowsImported, long RowsFailed,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Error, string ErrorsUrl)
{
    public static ImportJobResponse From(ImportJob j) => new(j.Id, j.Format, j.Status, j.RowsRead, j.RowsImported, j.RowsFailed,
        j.CreatedAt, j.StartedAt, j.FinishedAt, j.Error, $"/api/interactions/imports/{j.Id}/errors");
}
