using CustomerBase.Contacts.Access;
using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Duplicates;
using CustomerBase.Contacts.Export;
using CustomerBase.Contacts.Import;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Contacts.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<ContactsDbContext>(ResourceNames.Contacts, bus => bus.AddConsumer<IntegrationEvents.ErasureRequestedConsumer>());
        // An import's events carry 1,000 contacts each (~700 KB): published as stored, not read back (ADR 27).
        builder.PublishStoredJson<CustomerBase.Contacts.Contracts.ContactsImported>();
        // Searches, reads and an import's batches: short statements, for which JIT compiling costs more than it saves.
        builder.AddServiceDatabase<ContactsDbContext>(ResourceNames.ContactsDb, withoutJit: true);
        builder.Services.AddOptions<ContactsOptions>()
            .BindConfiguration(nameof(ContactsOptions))
            .Validate(o => PhoneNormalizer.IsKnownRegion(o.DefaultPhoneRegion), "ContactsOptions:DefaultPhoneRegion must be a two-letter region code libphonenumber knows.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PhoneNormalizer>();
        builder.Services.AddSingleton<CustomFieldCatalog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CustomFieldCatalog>());
        builder.Services.AddSingleton<ContactValidator>();
        builder.Services.AddGrpc();
        builder.AddRedis();
        builder.Services.AddSingleton<ContactCache>();
        builder.Services.AddSingleton<ExportQuota>();
        builder.Services.AddSingleton<BulkAccessMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BulkAccessMonitor>());
        builder.Services.AddSingleton<DuplicateScanner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DuplicateScanner>());
        builder.Services.AddSingleton<ContactImporter>();
        builder.Services.AddSingleton<ImportQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportQueue>());
        return builder;
    }
}
