using CustomerBase.Consent.Apis;
using CustomerBase.Consent.Contracts;
using CustomerBase.Consent.Contracts.Grpc;
using CustomerBase.Consent.Grpc;
using CustomerBase.Consent.IntegrationEvents;
using CustomerBase.Contacts.Contracts.Grpc;
using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CustomerBase.Consent.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<ConsentDbContext>(ResourceNames.Consent, bus =>
        {
            bus.AddConsumer<ErasureCompletedConsumer>();
            bus.AddConsumer<PersonalDataAccessedConsumer>();
        });
        builder.AddServiceDatabase<ConsentDbContext>(ResourceNames.ConsentDb);

        builder.Services.AddOptions<ConsentPolicy>()
            .Configure<IConfiguration>((policy, configuration) => ConsentPolicy.Bind(configuration.GetSection(ConsentPolicy.Section), policy))
            .Validate(p => p.IsValid(), "ConsentPolicy: every purpose needs known legal bases, double opt-in channels must be channels.")
            .ValidateOnStart();
        builder.Services.AddOptions<ConsentKeys>().BindConfiguration(ConsentKeys.Section)
            .Validate(k => k.IsValid(), "Consent:SuppressionKey and Consent:UnsubscribeKey must be base64 keys of at least 32 bytes.")
            .ValidateOnStart();
        builder.Services.AddSingleton(s => s.GetRequiredService<IOptions<ConsentPolicy>>().Value);
        builder.Services.AddSingleton<AddressHasher>();
        builder.Services.AddSingleton(s => UnsubscribeToken.FromBase64Key(s.GetRequiredService<IOptions<ConsentKeys>>().Value.UnsubscribeKey));
        builder.Services.AddScoped<ConsentLedger>();
        builder.Services.AddScoped<ConsentChecker>();
        builder.Services.AddOptions<ConsentCheckCacheOptions>().BindConfiguration(ConsentCheckCacheOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConsentStateCache>();
        builder.Services.AddHostedService<ConsentStateTombstonePruner>();

        builder.Services.AddOptions<PersonalDataOptions>().BindConfiguration(PersonalDataOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) => options.Services =
                ConsentPolicy.ConfiguredList(configuration.GetSection(PersonalDataOptions.Section), nameof(PersonalDataOptions.Services))
                ?? new PersonalDataOptions().Services);
        builder.Services.AddScoped<ErasureCoordinator>();
        builder.Services.AddHostedService<ErasureFollowUp>();
        builder.Services.AddServiceGrpcClient<ContactsDirectory.ContactsDirectoryClient>(ResourceNames.Contacts);
        // One PersonalData client per service that holds personal data, named after it.
        var services = ConsentPolicy.ConfiguredList(builder.Configuration.GetSection(PersonalDataOptions.Section), nameof(PersonalDataOptions.Services))
            ?? new PersonalDataOptions().Services;
        foreach (var service in services)
        {
            builder.Services.AddServiceGrpcClient<PersonalData.PersonalDataClient>(service, name: service);
        }

        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = ConsentCheckService.MaxMessageBytes);
        return builder;
    }
}
