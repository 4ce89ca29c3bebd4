using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace CustomerBase.Segmentation.Infrastructure;

/// <summary>Raw SQL on the context's own connection and transaction, for the set-based statements EF cannot express.</summary>
public static class SqlCommands
{
    public static async Task<List<T>> QueryAsync<T>(this DbContext db, string sql, IEnumerable<NpgsqlParameter> parameters, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var opened = await OpenAsync(db, ct);
        try
        {
            await using var command = Command(db, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }
            return rows;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>
    /// A read in its own transaction with at most <paramref name="parallelWorkers"/> PostgreSQL parallel workers: the
    /// setting is <c>SET LOCAL</c>, so it ends with the transaction and the pooled connection keeps the server's own.
    /// </summary>
    public static async Task<List<T>> QueryWithParallelWorkersAsync<T>(this DbContext db, int parallelWorkers, string sql, IEnumerable<NpgsqlParameter> parameters,
        Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.ExecuteAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SET LOCAL max_parallel_workers_per_gather = {parallelWorkers}"), [], ct);
        var rows = await db.QueryAsync(sql, parameters, read, ct);
        await transaction.CommitAsync(ct);
        return rows;
    }

    public static async Task<int> ExecuteAsync(this DbContext db, string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken ct)
    {
        var opened = await OpenAsync(db, ct);
        try
        {
            await using var command = Command(db, sql, parameters);
            return await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static async Task<bool> OpenAsync(DbContext db, CancellationToken ct)
    {
        if (db.Database.GetDbConnection().State == ConnectionState.Open)
        {
            return false;
        }
        await db.Database.OpenConnectionAsync(ct);
        return true;
    }

    private static NpgsqlCommand Command(DbContext db, string sql, IEnumerable<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction())
        {
            // Rebuild steps over a million contacts run longer than the default 30 s on a busy machine.
            CommandTimeout = 600,
        };
        command.Parameters.AddRange(parameters.ToArray());
        return command;
    }

    /// <summary>
    /// Serialises writers of the same contacts: a transaction lock per bucket of contacts (1,024 buckets: the top ten
    /// bits of the uuid, taken in order so two writers never deadlock), held until commit. Two orders of one contact
    /// consumed at once then compute statistics and membership one after the other, and an Entered is never published
    /// twice. Buckets follow the uuid's order so that a rebuild's slice of the uuid space is a range of buckets.
    /// With <paramref name="shared"/>, the locks only keep out the exclusive holders: writers that merely add rows for
    /// later counting (imported orders) run beside each other, and wait only for a count or a live change.
    /// </summary>
    public static Task LockContactsAsync(this DbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct, bool shared = false) =>
        db.ExecuteAsync(shared ? LockSharedSql : LockSql, [new NpgsqlParameter("ids", ids.Distinct().ToArray())], ct);

    private const string LockSql = """
        SELECT pg_advisory_xact_lock(7302, b) FROM (
            SELECT DISTINCT get_byte(uuid_send(id), 0) * 4 + get_byte(uuid_send(id), 1) / 64 AS b FROM unnest(@ids) AS id ORDER BY 1) AS buckets
        """;

    private static readonly string LockSharedSql = LockSql.Replace("pg_advisory_xact_lock(", "pg_advisory_xact_lock_shared(", StringComparison.Ordinal);

    /// <summary>Locks every bucket of a slice of the uuid space (<see cref="ContactScope.Slice"/>), as event consumers lock theirs.</summary>
    public static Task LockSliceAsync(this DbContext db, int index, int count, CancellationToken ct) => db.ExecuteAsync(
        "SELECT pg_advisory_xact_lock(7302, b) FROM generate_series(@first, @last) AS b ORDER BY b",
        [new NpgsqlParameter("first", index * 1024 / count), new NpgsqlParameter("last", (index + 1) * 1024 / count - 1)], ct);
}
