using CustomerBase.Contacts.Duplicates;

namespace CustomerBase.UnitTests;

public sealed class DuplicateGroupingTests
{
    private static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid C = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid D = Guid.Parse("00000000-0000-0000-0000-00000000000d");
    private static readonly Guid E = Guid.Parse("00000000-0000-0000-0000-00000000000e");

    [Fact]
    public void Overlapping_key_sets_are_one_group_with_every_reason()
    {
        var grouping = new DuplicateGrouping();
        grouping.Add([A, B], "same e-mail");
        grouping.Add([C, B], "same phone");
        grouping.Add([D, E], "same name and birth date");

        var groups = grouping.Groups();

        Assert.Equal(2, groups.Count);
        Assert.Equal([A, B, C], groups[0].ContactIds);
        Assert.Equal(["same e-mail", "same phone"], groups[0].Reasons);
        Assert.Equal(0.98, groups[0].Score); // 1 − 0.1 × 0.2
        Assert.Equal([D, E], groups[1].ContactIds);
        Assert.Equal(0.85, groups[1].Score);
    }

    [Fact]
    public void Chains_joined_late_merge_groups_formed_earlier()
    {
        var grouping = new DuplicateGrouping();
        grouping.Add([A, B], "same e-mail");
        grouping.Add([C, D], "same e-mail");
        grouping.Add([D, E], "same phone");
        grouping.Add([B, E], "same name and birth date");

        var group = Assert.Single(grouping.Groups());

        Assert.Equal([A, B, C, D, E], group.ContactIds);
        Assert.Equal(["same e-mail", "same name and birth date", "same phone"], group.Reasons);
    }

    [Fact]
    public void A_key_held_by_one_contact_makes_no_group()
    {
        var grouping = new DuplicateGrouping();
        grouping.Add([A], "same e-mail");
        Assert.Empty(grouping.Groups());
    }
}
