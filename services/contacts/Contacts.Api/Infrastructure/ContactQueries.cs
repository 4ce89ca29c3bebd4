using System.Security.Claims;
using System.Text;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Model;
using Microsoft.EntityFrameworkCore;
using CustomerBase.ServiceDefaults.Security;
using Npgsql;

namespace CustomerBase.Contacts.Infrastructure;

/// <summary>
/// The search predicates, written in SQL so that each uses its index: array containment (<c>@&gt;</c>, GIN) for
/// e-mails, phones and tags, trigram GIN for name prefixes and fuzzy names. The SQL is built from constant fragments;
/// every user value is a parameter.
/// </summary>
public static class ContactQueries
{
    public static IQueryable<Contact> Matching(ContactsDbContext db, ContactFilter filter)
    {
        var (sql, parameters) = Sql(filter);
        IQueryable<Contact> query = db.Contacts.FromSqlRaw(sql, [.. parameters]);
        if (filter.OwnerId is { } owner)
        {
            query = query.Where(c => c.OwnerId == owner);
        }
        if (filter.Team is { } team)
        {
            query = query.Where(c => c.Team == team);
        }
        return query;
    }

    /// <summary>
    /// The filter as one SQL statement over <c>contacts</c> with its parameters (owner, team and the caller's visibility
    /// included), for callers that read rows without EF: the export streams them straight to the response.
    /// </summary>
    public static (string Sql, List<NpgsqlParameter> Parameters) Sql(ContactFilter filter, ClaimsPrincipal user)
    {
        var (sql, parameters) = Sql(filter);
        var where = new StringBuilder($"SELECT * FROM ({sql}) AS c WHERE TRUE");
        string Parameter(object value)
        {
            var name = $"@p{parameters.Count}";
            parameters.Add(new NpgsqlParameter(name, value));
            return name;
        }
        if (filter.OwnerId is { } owner) where.Append(" AND owner_id = ").Append(Parameter(owner));
        if (filter.Team is { } team) where.Append(" AND team = ").Append(Parameter(team));
        AppendVisibility(where, user, Parameter);
        return (where.ToString(), parameters);
    }

    private static (string Sql, List<NpgsqlParameter> Parameters) Sql(ContactFilter filter)
    {
        var sql = new StringBuilder("SELECT * FROM contacts WHERE TRUE");
        var parameters = new List<NpgsqlParameter>();
        string Parameter(object value)
        {
            var name = $"@p{parameters.Count}";
            parameters.Add(new NpgsqlParameter(name, value));
            return name;
        }

        if (filter.Name is { } name)
        {
            if (filter.Fuzzy)
            {
                // Word similarity: "smirnva" finds "irina petrovna smirnova"; served by the trigram index.
                sql.Append(" AND ").Append(Parameter(name)).Append(" <% search_name");
            }
            else
            {
                // Every word typed is the prefix of some name part: "iri smi" finds "irina petrovna smirnova".
                // Three btree range scans per word, OR-ed in a bitmap.
                foreach (var word in name.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    sql.Append(" AND ").Append(AnyNamePartLike(Parameter(EscapeLike(word) + "%")));
                }
            }
        }
        var exactChannel = false;
        if (filter.Email is { } email)
        {
            sql.Append(" AND email_keys @> ").Append(Parameter(new[] { email }));
            exactChannel = true;
        }
        if (filter.Phone is { } phone)
        {
            sql.Append(" AND phones @> ").Append(Parameter(new[] { phone }));
            exactChannel = true;
        }
        if (filter.Tag is { } tag)
        {
            sql.Append(" AND tags @> ").Append(Parameter(new[] { tag }));
        }

        if (exactChannel)
        {
            // PostgreSQL cannot estimate array containment and guesses 0.5 % of the table, so with ORDER BY id LIMIT
            // it walks the primary key and filters (100 ms at 200k rows). An e-mail or phone matches a handful:
            // OFFSET 0 keeps this part a separate plan, which uses the GIN index; the few rows are then sorted.
            sql.Append(" OFFSET 0");
        }
        return (sql.ToString(), parameters);
    }

    /// <summary>How many contacts after the cursor the first step of a name-prefix page looks at (a prefix shared by
    /// more than one in 40 fills a page of 50, and the one row more that tells a next page, there).</summary>
    private const int NamePrefixHeadRows = 2_000;

    /// <summary>
    /// A page of a name-prefix search in id order, for the common case of a name and nothing else: one statement in two
    /// steps whose cost is bounded whatever the prefix and however ids and names relate:
    /// <list type="number">
    /// <item>The next <see cref="NamePrefixHeadRows"/> contacts after the cursor, in id order, filtered by the prefix:
    /// when that fills the page, it is the page (any later match has a larger id). A common prefix ends here
    /// (~1 ms for one shared by 50,000 of a million).</item>
    /// <item>Only otherwise (a one-time filter on the first step's count, so PostgreSQL does not start it) the ids of
    /// all matches, from index-only scans of the name-key indexes, then the page's rows by primary key. Of several
    /// words only the rarest of the first three is scanned (counted first, up to <see cref="NamePrefixCountCap"/>), each entry checked
    /// against the other words by the name keys the indexes carry. The cost grows with the scanned word's matches
    /// (~3 ms for 2,500 of a million; ~4 ms for "anna kow", where an INTERSECT of the two words' matches took 25–35 ms;
    /// ~70 ms for a common prefix whose contacts are not among the next 2,000, as after an import of a file sorted by
    /// surname).</item>
    /// </list>
    /// One statement rather than two queries: a sparse prefix, most of them, took two round trips (2026-12-07).
    /// Not the plain form (the LIKEs OR-ed, ORDER BY id LIMIT): the planner walks the primary key until the page is
    /// full, fast on random ids, but ids are time-ordered, and after an import of a file sorted by surname that walk
    /// crossed 700,000–950,000 rows (~400 ms, 2026-12-07). The second step alone took ~70 ms for a prefix shared by 50,000.
    /// </summary>
    public static Task<List<Contact>> NamePrefixPageAsync(ContactsDbContext db, string name, ClaimsPrincipal user, Guid? after, int take, CancellationToken ct)
    {
        var parameters = new List<NpgsqlParameter>();
        string Parameter(object value)
        {
            var p = $"@p{parameters.Count}";
            parameters.Add(new NpgsqlParameter(p, value));
            return p;
        }
        var patterns = name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().Select(word => Parameter(EscapeLike(word) + "%")).ToList();
        var cursor = after is { } id ? $" AND id > {Parameter(id)}" : "";
        var limit = Parameter(take);
        // Each candidate for the scanned word is a branch that checks every other word: the first few suffice for a
        // name, and bound the statement's size whatever is typed (q may hold a hundred one-letter words).
        var candidates = patterns.Take(NamePrefixScannedWordCandidates).ToList();

        // Step 1: the head's name keys come from its heap rows; only the page's rows are read whole, at the end.
        var sql = new StringBuilder("WITH head AS MATERIALIZED (SELECT id FROM (SELECT id, first_name_key, middle_name_key, last_name_key, team, owner_id")
            .Append($" FROM contacts WHERE TRUE{cursor} ORDER BY id LIMIT {Parameter(NamePrefixHeadRows)}) AS h WHERE TRUE");
        foreach (var pattern in patterns)
        {
            sql.Append(" AND ").Append(AnyNamePartLike(pattern));
        }
        AppendVisibility(sql, user, Parameter);
        sql.Append($" ORDER BY id LIMIT {limit})");

        // Step 2, run only when the head did not fill the page: the matches of one word, by index-only scans of its
        // three ranges, each entry checked against the other words by the name keys the indexes carry. Of several
        // words, the one with the fewest matches (counted up to NamePrefixCountCap, itself behind the same filter).
        if (candidates.Count > 1)
        {
            sql.Append(", counts AS MATERIALIZED (")
                .Append(string.Join(" UNION ALL ", candidates.Select((pattern, i) =>
                    $"SELECT {i} AS word, (SELECT count(*) FROM (" +
                    string.Join(" UNION ALL ", NameKeys.Select(key => $"SELECT FROM contacts WHERE {key} LIKE {pattern}")) +
                    $" LIMIT {NamePrefixCountCap}) AS c) AS matches")))
                .Append("), rarest AS MATERIALIZED (SELECT word FROM counts ORDER BY matches, word LIMIT 1)");
        }
        sql.Append(" SELECT * FROM contacts WHERE id IN (SELECT id FROM head");
        for (var i = 0; i < candidates.Count; i++)
        {
            var others = string.Concat(patterns.Where(other => other != candidates[i]).Select(other => " AND " + AnyNamePartLike(other)));
            sql.Append(" UNION ALL (SELECT id FROM (")
                .Append(string.Join(" UNION ", NameKeys.Select(key =>
                    $"SELECT id, team, owner_id FROM contacts WHERE {key} LIKE {candidates[i]}{others}")))
                .Append($") AS m WHERE (SELECT count(*) FROM head) < {limit}")
                .Append(candidates.Count > 1 ? $" AND (SELECT word FROM rarest) = {i}" : "")
                .Append(cursor);
            AppendVisibility(sql, user, Parameter);
            sql.Append($" ORDER BY id LIMIT {limit})");
        }
        sql.Append($") ORDER BY id LIMIT {limit}");
        return db.Contacts.FromSqlRaw(sql.ToString(), [.. parameters]).AsNoTracking().ToListAsync(ct);
    }

    /// <summary>How far the matches of each word of a search are counted to find the rarest: past it, a word is common.</summary>
    private const int NamePrefixCountCap = 10_001;

    /// <summary>Of the words typed, how many (the first) may be the one the second step scans.</summary>
    private const int NamePrefixScannedWordCandidates = 3;

    /// <summary>The lower-case name parts a word prefix is searched in, each with its text_pattern_ops index.</summary>
    private static readonly string[] NameKeys = ["first_name_key", "last_name_key", "middle_name_key"];

    /// <summary>A word's pattern (a parameter) is the prefix of some name part.</summary>
    private static string AnyNamePartLike(string pattern) => $"({string.Join(" OR ", NameKeys.Select(key => $"{key} LIKE {pattern}"))})";

    /// <summary><see cref="ContactAccess.VisibleTo"/> in SQL: a sales manager's own contacts and their team's.</summary>
    private static void AppendVisibility(StringBuilder sql, ClaimsPrincipal user, Func<object, string> parameter)
    {
        if (!ContactAccess.IsRestrictedToTeam(user))
        {
            return;
        }
        sql.Append(" AND (owner_id = ").Append(parameter(user.FindFirst(ClaimNames.Subject)?.Value ?? ""));
        if (user.FindFirst(ClaimNames.Team)?.Value is { } team) sql.Append(" OR team = ").Append(parameter(team));
        sql.Append(')');
    }

    public static IQueryable<Contact> AfterById(IQueryable<Contact> query, ContactCursor? cursor) =>
        cursor is null ? query : query.Where(c => c.Id.CompareTo(cursor.Id) > 0);

    public static IQueryable<Contact> AfterByName(IQueryable<Contact> query, ContactCursor? cursor)
    {
        if (cursor is null)
        {
            return query;
        }
        var name = cursor.Name ?? "";
        return query.Where(c => c.SearchName.CompareTo(name) > 0 || (c.SearchName == name && c.Id.CompareTo(cursor.Id) > 0));
    }

    private static string EscapeLike(string value) => value.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
