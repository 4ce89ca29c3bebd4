using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using Npgsql;
using NpgsqlTypes;

namespace CustomerBase.Interactions.Infrastructure;

/// <summary>Binary COPY of interactions, their outbox rows and import row errors: the bulk path, inside the caller's transaction.</summary>
public static class InteractionCopyWriter
{
    /// <summary>The interactions' columns, each with its payload's JSON in <paramref name="json"/>.</summary>
    public static async Task CopyInteractionsAsync(NpgsqlConnection connection, IReadOnlyList<(Interaction Interaction, Range Payload)> rows, ImportBatchJson json, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY interactions (id, contact_id, company_id, kind, occurred_at, recorded_at, channel, direction, author, subject, note, status, payload) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (i, payload) in rows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(i.Id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(i.ContactId, NpgsqlDbType.Uuid, ct);
            await WriteNullableAsync(copy, i.CompanyId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(i.Kind, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(i.OccurredAt, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(i.RecordedAt, NpgsqlDbType.TimestampTz, ct);
            await WriteNullableAsync(copy, i.Channel, NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(copy, i.Direction, NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(copy, i.Author, NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(copy, i.Subject, NpgsqlDbType.Varchar, ct);
            await WriteNullableAsync(copy, i.Note, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(copy, i.Status, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(json.Payload(payload), NpgsqlDbType.Jsonb, ct);
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>Outbox rows with their bodies as UTF-8 JSON (<see cref="Outbox.CreateBulkMessage{TMessage}"/>).</summary>
    public static async Task CopyOutboxAsync(NpgsqlConnection connection, IReadOnlyList<(OutboxMessage Row, ReadOnlyMemory<byte> Body)> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {MessagingModelBuilderExtensions.OutboxTable} (id, message_type, body, trace_parent, created_at, next_attempt_at, attempts) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (m, body) in rows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(m.Id, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(m.MessageType, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(body, NpgsqlDbType.Json, ct);
            await WriteNullableAsync(copy, m.TraceParent, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(m.CreatedAt, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(m.NextAttemptAt, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(0, NpgsqlDbType.Integer, ct);
        }
        await copy.CompleteAsync(ct);
    }

    public static async Task CopyErrorsAsync(NpgsqlConnection connection, Guid jobId, IReadOnlyList<(long Row, string Field, string Message)> errors, CancellationToken ct)
    {
        if (errors.Count == 0)
        {
            return;
        }
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY import_row_errors (job_id, row_number, field, message) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (row, field, message) in errors)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(jobId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(row, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(field, NpgsqlDbType.Varchar, ct);
            await copy.WriteAsync(message, NpgsqlDbType.Varchar, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, Guid? value, NpgsqlDbType type, CancellationToken ct) =>
        value is { } id ? copy.WriteAsync(id, type, ct) : copy.WriteNullAsync(ct);
}
