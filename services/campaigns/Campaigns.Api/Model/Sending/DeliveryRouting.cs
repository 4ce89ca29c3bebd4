using CustomerBase.Campaigns.Contracts;
using MassTransit;

namespace CustomerBase.Campaigns.Model;

/// <summary>
/// <see cref="DeliverMessage"/>s go to the <see cref="DeliveryTopology.Exchange"/> direct exchange with their channel
/// as routing key (the contract's README tells tooling how to bind): each adapter's queue gets its own channel only.
/// </summary>
public static class DeliveryRouting
{
    public static void ConfigurePublishing(IRabbitMqBusFactoryConfigurator rabbit)
    {
        rabbit.Message<DeliverMessage>(m => m.SetEntityName(DeliveryTopology.Exchange));
        rabbit.Publish<DeliverMessage>(p => p.ExchangeType = DeliveryTopology.ExchangeType);
        rabbit.Send<DeliverMessage>(s => s.UseRoutingKeyFormatter(context => context.Message.Channel));
    }

    /// <summary>Binds the endpoint to one channel's messages instead of MassTransit's default (every <see cref="DeliverMessage"/>).</summary>
    public static void BindChannel(IReceiveEndpointConfigurator endpoint, string channel)
    {
        if (endpoint is not IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            throw new InvalidOperationException("Delivery routing needs a RabbitMQ endpoint.");
        }
        rabbit.ConfigureConsumeTopology = false;
        rabbit.Bind(DeliveryTopology.Exchange, binding =>
        {
            binding.ExchangeType = DeliveryTopology.ExchangeType;
            binding.RoutingKey = channel;
        });
    }
}
