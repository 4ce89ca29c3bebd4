using System.Text;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.Model;
using Microsoft.EntityFrameworkCore;
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
                    var pattern = Parameter(EscapeLike(word) + "%");
                    sql.Append(" AND (first_name_key LIKE ").Append(pattern)
                       .Append(" OR last_name_key LIKE ").Append(pattern)
                       .Append(" OR middle_name_key LIKE ").Append(pattern).Append(')');
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
        IQueryable<Contact> query = db.Contacts.FromSqlRaw(sql.ToString(), [.. parameters]);
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
