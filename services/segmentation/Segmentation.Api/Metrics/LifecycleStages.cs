namespace CustomerBase.Segmentation.Metrics;

/// <summary>The lifecycle stages, as <c>LifecycleStageChanged</c> and rules name them.</summary>
public static class LifecycleStages
{
    public const string Potential = "potential";
    public const string New = "new";
    public const string Active = "active";
    public const string Loyal = "loyal";
    public const string Inactive = "inactive";

    public static readonly IReadOnlyList<string> All = [Potential, New, Active, Loyal, Inactive];
}
