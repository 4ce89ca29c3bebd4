namespace CustomerBase.Contacts.Duplicates;

/// <summary>
/// Turns sets of contacts that share one key (an e-mail, a phone, a name with a birth date) into duplicate groups:
/// sets that overlap are one group (A shares an e-mail with B, B a phone with C: A, B and C are one person), found with
/// union–find. Each group keeps the reasons it was formed for and a score from them (<see cref="DuplicateScore"/>).
/// </summary>
public sealed class DuplicateGrouping
{
    private readonly Dictionary<Guid, Guid> _parent = [];
    private readonly Dictionary<Guid, HashSet<string>> _reasons = [];

    /// <summary>Records that <paramref name="ids"/> share a key; <paramref name="reason"/> says which kind.</summary>
    public void Add(IReadOnlyList<Guid> ids, string reason)
    {
        if (ids.Count < 2)
        {
            return;
        }
        var root = Find(ids[0]);
        for (var i = 1; i < ids.Count; i++)
        {
            root = Union(root, Find(ids[i]));
        }
        if (!_reasons.TryGetValue(root, out var reasons))
        {
            _reasons[root] = reasons = [];
        }
        reasons.Add(reason);
    }

    /// <summary>The groups, most certain first, then largest; ids within a group in order (the oldest first).</summary>
    public IReadOnlyList<Group> Groups()
    {
        var members = _parent.Keys.GroupBy(Find).ToList();
        var reasonsByRoot = new Dictionary<Guid, HashSet<string>>();
        foreach (var (node, reasons) in _reasons)
        {
            var root = Find(node);
            if (!reasonsByRoot.TryGetValue(root, out var all)) reasonsByRoot[root] = all = [];
            all.UnionWith(reasons);
        }
        return members
            .Select(g => new Group([.. g.Order()], [.. reasonsByRoot[g.Key].Order()], DuplicateScore.Combine(reasonsByRoot[g.Key])))
            .OrderByDescending(g => g.Score).ThenByDescending(g => g.ContactIds.Count).ThenBy(g => g.ContactIds[0])
            .ToList();
    }

    private Guid Find(Guid id)
    {
        if (!_parent.TryGetValue(id, out var parent))
        {
            _parent[id] = id;
            return id;
        }
        if (parent == id)
        {
            return id;
        }
        var root = Find(parent);
        _parent[id] = root; // path compression
        return root;
    }

    private Guid Union(Guid a, Guid b)
    {
        if (a == b)
        {
            return a;
        }
        var (keep, join) = a.CompareTo(b) < 0 ? (a, b) : (b, a);
        _parent[join] = keep;
        if (_reasons.Remove(join, out var reasons))
        {
            if (_reasons.TryGetValue(keep, out var kept)) kept.UnionWith(reasons);
            else _reasons[keep] = reasons;
        }
        return keep;
    }

    public sealed record Group(IReadOnlyList<Guid> ContactIds, IReadOnlyList<string> Reasons, double Score);
}
