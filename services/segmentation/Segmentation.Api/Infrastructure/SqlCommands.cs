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
    /// Serialises writers of the same contacts: a transaction lock per bucket of contacts (1,024 buckets, taken in
    /// order so two batches never deadlock), held until commit. Two orders of one contact consumed at once then
    /// compute statistics and membership one after the other, and an Entered is never published twice.
    /// </summary>
    public static Task LockContactsAsync(this DbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct) => db.ExecuteAsync("""
        SELECT pg_advisory_xact_lock(7302, b) FROM (
            SELECT DISTINCT hashtext(id::text) & 1023 AS b FROM unnest(@ids) AS id ORDER BY 1) AS buckets
        """, [new NpgsqlParameter("ids", ids.Distinct().ToArray())], ct);
}
