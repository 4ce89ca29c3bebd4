using CustomerBase.Campaigns.Infrastructure;
using CustomerBase.Campaigns.Model;
using CustomerBase.Interactions.Contracts;
using CustomerBase.Messaging;
using CustomerBase.Segmentation.Contracts;
using MassTransit;

namespace CustomerBase.Campaigns.IntegrationEvents;

/// <summary>Entering a segment (e.g. becoming inactive) sends the campaigns that wait for it: once per entry.</summary>
public sealed class SegmentMembershipChangedConsumer(CampaignsDbContext db, TriggerRecorder triggers, ILogger<SegmentMembershipChangedConsumer> logger)
    : InboxConsumer<CampaignsDbContext, SegmentMembershipChanged>(db, logger)
{
    protected override Task HandleAsync(SegmentMembershipChanged message, ConsumeContext<SegmentMembershipChanged> context) =>
        message.Change == MembershipChange.Entered
            ? triggers.SegmentEnteredAsync(Db, message.SegmentId, message.ContactId, message.At, context.CancellationToken)
            : Task.CompletedTask;
}

/// <summary>A due task with a contact sends the campaigns that wait for it (e.g. a call task for the manager): once per due time.</summary>
public sealed class TaskDueConsumer(CampaignsDbContext db, TriggerRecorder triggers, ILogger<TaskDueConsumer> logger)
    : InboxConsumer<CampaignsDbContext, TaskDue>(db, logger)
{
    protected override Task HandleAsync(TaskDue message, ConsumeContext<TaskDue> context) =>
        message.ContactId is { } contact
            ? triggers.TaskDueAsync(Db, message, contact, context.CancellationToken)
            : Task.CompletedTask;
}
