using Npgsql;

namespace CustomerBase.Contacts.Import;

/// <summary>
/// For a bulk load (see ADR 13): the contacts table's secondary indexes are dropped before the rows go in and built
/// again after, which is several times faster than maintaining eleven indexes row by row. The primary key and the
/// unique external-id index stay, so identity and uniqueness hold throughout.
/// </summary>
public static class ImportIndexes
{
    public static async Task<List<string>> SecondaryDefinitionsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("""
            SELECT pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = 'contacts' AND t.relnamespace = 'public'::regnamespace AND NOT x.indisprimary AND NOT x.indisunique
            ORDER BY 1
            """, connection);
        var definitions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            definitions.Add(reader.GetString(0));
        }
        return definitions;
    }

    public static async Task DropAsync(NpgsqlConnection connection, IEnumerable<string> definitions, CancellationToken ct)
    {
        foreach (var definition in definitions)
        {
            await using var command = new NpgsqlCommand($"DROP INDEX IF EXISTS {NameOf(definition)}", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Builds the indexes two at a time (one per core here), each with a generous maintenance_work_mem.</summary>
    /// <param name="connect">Opens another connection like the service's (each worker builds on its own).</param>
    /// <returns>How long the VACUUM before the builds took.</returns>
    public static async Task<TimeSpan> RebuildAsync(Func<NpgsqlConnection> connect, IReadOnlyList<string> definitions, CancellationToken ct)
    {
        // VACUUM marks the new pages all-visible, which the index-only name searches need. Run before the builds, it
        // has only the primary key and the external-id index to clean up; after them, it also read every GIN index
        // through (GIN's clean-up scans the whole index). The index builds leave the heap, and so the marks, as they are.
        var vacuumStart = System.Diagnostics.Stopwatch.GetTimestamp();
        await using (var vacuum = connect())
        {
            await vacuum.OpenAsync(ct);
            await using var analyze = new NpgsqlCommand("VACUUM ANALYZE contacts", vacuum) { CommandTimeout = 0 };
            await analyze.ExecuteNonQueryAsync(ct);
        }
        var vacuumTime = System.Diagnostics.Stopwatch.GetElapsedTime(vacuumStart);
        var pending = new Queue<string>(definitions.OrderByDescending(d => d.Contains("USING gin", StringComparison.Ordinal)));
        async Task Worker()
        {
            await using var connection = connect();
            await connection.OpenAsync(ct);
            await using (var settings = new NpgsqlCommand("SET maintenance_work_mem = '256MB'", connection))
            {
                await settings.ExecuteNonQueryAsync(ct);
            }
            while (true)
            {
                string? definition;
                lock (pending)
                {
                    pending.TryDequeue(out definition);
                }
                if (definition is null)
                {
                    return;
                }
                await using var command = new NpgsqlCommand(definition.Replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS "), connection) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        await Task.WhenAll(Worker(), Worker());
        return vacuumTime;
    }

    private static string NameOf(string definition) => definition.Split(' ')[2];
}
