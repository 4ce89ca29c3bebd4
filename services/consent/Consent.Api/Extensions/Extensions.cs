using CustomerBase.Consent.Infrastructure;
using CustomerBase.Consent.Model;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Consent.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<ConsentDbContext>(ResourceNames.Consent);
        builder.AddServiceDatabase<ConsentDbContext>(ResourceNames.ConsentDb);
        builder.Services.AddScoped<ConsentLedger>();
        builder.Services.AddGrpc();
        return builder;
    }
}
