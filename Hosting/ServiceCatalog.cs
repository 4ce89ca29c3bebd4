using CustomerBase.ServiceDefaults;

namespace CustomerBase.Hosting;

/// <summary>Where each of our processes is built and which database it owns: the AppHost's list of projects.</summary>
public sealed record ServiceDefinition(string Name, string ProjectDirectory, string AssemblyName, string? Database, bool HasGrpc)
{
    public string AssemblyPath(string repositoryRoot, string configuration) =>
        Path.Combine(repositoryRoot, ProjectDirectory, "bin", configuration, "net10.0", AssemblyName + ".dll");
}

public static class ServiceCatalog
{
    public static readonly ServiceDefinition Contacts = new(ResourceNames.Contacts, "services/contacts/Contacts.Api", "Contacts.Api", ResourceNames.ContactsDb, HasGrpc: true);
    public static readonly ServiceDefinition Interactions = new(ResourceNames.Interactions, "services/interactions/Interactions.Api", "Interactions.Api", ResourceNames.InteractionsDb, HasGrpc: true);
    public static readonly ServiceDefinition Segmentation = new(ResourceNames.Segmentation, "services/segmentation/Segmentation.Api", "Segmentation.Api", ResourceNames.SegmentationDb, HasGrpc: true);
    public static readonly ServiceDefinition Campaigns = new(ResourceNames.Campaigns, "services/campaigns/Campaigns.Api", "Campaigns.Api", ResourceNames.CampaignsDb, HasGrpc: true);
    public static readonly ServiceDefinition Consent = new(ResourceNames.Consent, "services/consent/Consent.Api", "Consent.Api", ResourceNames.ConsentDb, HasGrpc: true);
    public static readonly ServiceDefinition Gateway = new(ResourceNames.Gateway, "gateway", "Gateway", Database: null, HasGrpc: false);

    public static readonly IReadOnlyList<ServiceDefinition> Services = [Contacts, Interactions, Segmentation, Campaigns, Consent];
}
