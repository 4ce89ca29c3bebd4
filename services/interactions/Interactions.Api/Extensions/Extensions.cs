using CustomerBase.Interactions.Infrastructure;
using CustomerBase.Messaging;
using CustomerBase.ServiceDefaults;

namespace CustomerBase.Interactions.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddMessaging<InteractionsDbContext>(ResourceNames.Interactions);
        builder.AddServiceDatabase<InteractionsDbContext>(ResourceNames.InteractionsDb);
        return builder;
    }
}
