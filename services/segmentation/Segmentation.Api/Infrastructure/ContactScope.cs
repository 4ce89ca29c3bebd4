using Npgsql;

namespace CustomerBase.Segmentation.Infrastructure;

/// <summary>
/// Which contacts a set-based statement works on: the few an event touched (<c>= ANY(@ids)</c>), or a slice of the
/// uuid space (<c>&gt;= @lo AND &lt; @hi</c>) when a rebuild walks every contact in steps it can report.
/// </summary>
public sealed record ContactScope(string Sql, IReadOnlyList<NpgsqlParameter> Parameters)
{
    public static ContactScope Ids(IReadOnlyCollection<Guid> ids) =>
        new("{0}.contact_id = ANY(@scope_ids)", [new NpgsqlParameter("scope_ids", ids.Distinct().ToArray())]);

    public static ContactScope Everyone { get; } = new("TRUE", []);

    /// <summary>Slice <paramref name="index"/> of <paramref name="count"/> (at most 256) equal slices by the uuid's first byte.</summary>
    public static ContactScope Slice(int index, int count)
    {
        var width = 256 / count;
        var low = Bound(index * width);
        Guid? high = (index + 1) * width >= 256 ? null : Bound((index + 1) * width);
        return high is null
            ? new("{0}.contact_id >= @scope_lo", [new NpgsqlParameter("scope_lo", low)])
            : new("{0}.contact_id >= @scope_lo AND {0}.contact_id < @scope_hi", [new NpgsqlParameter("scope_lo", low), new NpgsqlParameter("scope_hi", high)]);
    }

    private static Guid Bound(int firstByte) => Guid.Parse($"{firstByte:x2}000000-0000-0000-0000-000000000000");

    /// <summary>The condition for a table aliased <paramref name="alias"/>.</summary>
    public string For(string alias) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Sql, alias);

    /// <summary>Fresh copies of the parameters: an NpgsqlParameter belongs to one command.</summary>
    public IEnumerable<NpgsqlParameter> Fresh() => Parameters.Select(p => p.Clone());
}
