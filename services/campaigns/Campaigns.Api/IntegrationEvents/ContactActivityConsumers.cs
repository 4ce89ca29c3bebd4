using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Messaging;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>Keeps the last visit of each contact for templates (<c>last_visit.date</c>); starts follow-up triggers.</summary>
public sealed class InteractionRecordedConsumer(CampaignsDbContext db, Model.TriggerRecorder triggers, ILogger<InteractionRecordedConsumer> logger)
    : InboxConsumer<CampaignsDbContext, InteractionRecorded>(db, logger)
{
    protected override async Task HandleAsync(InteractionRecorded message, ConsumeContext<InteractionRecorded> context)
    {
        if (message.Kind != "visit")
        {
            return;
        }
        await Db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO contact_activities (contact_id, last_visit_at) VALUES ({message.ContactId}, {message.OccurredAt})
            ON CONFLICT (contact_id) DO UPDATE SET last_visit_at = GREATEST(contact_activities.last_visit_at, EXCLUDED.last_visit_at)
            """, context.CancellationToken);
        await triggers.FollowUpAsync(Db, "visit", message.InteractionId, message.ContactId, message.OccurredAt, context.CancellationToken);
    }
}

/// <summary>Keeps the last order of each contact for templates (<c>last_order.*</c>); starts follow-up triggers.</summary>
public sealed class OrderPlacedConsumer(CampaignsDbContext db, Model.TriggerRecorder triggers, ILogger<OrderPlacedConsumer> logger)
    : InboxConsumer<CampaignsDbContext, OrderPlaced>(db, logger)
{
    protected override async Task HandleAsync(OrderPlaced message, ConsumeContext<OrderPlaced> context)
    {
        await Db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO contact_activities (contact_id, last_order_at, last_order_number, last_order_total, last_order_currency)
            VALUES ({message.ContactId}, {message.OrderedAt}, {message.OrderNumber}, {message.Total}, {message.Currency})
            ON CONFLICT (contact_id) DO UPDATE SET last_order_at = EXCLUDED.last_order_at, last_order_number = EXCLUDED.last_order_number,
                last_order_total = EXCLUDED.last_order_total, last_order_currency = EXCLUDED.last_order_currency
            WHERE contact_activities.last_order_at IS NULL OR contact_activities.last_order_at <= EXCLUDED.last_order_at
            """, context.CancellationToken);
        if (!message.Imported)
        {
            await triggers.FollowUpAsync(Db, "order", message.InteractionId, message.ContactId, message.OrderedAt, context.CancellationToken);
        }
    }
}
