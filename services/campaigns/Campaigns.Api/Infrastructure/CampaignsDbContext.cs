using CustomerBase.Campaigns.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Infrastructure;

/// <summary>Campaigns' own database: campaigns, their runs and per-recipient messages, the activity read model, the outbox and inbox.</summary>
public sealed class CampaignsDbContext(DbContextOptions<CampaignsDbContext> options) : DbContext(options)
{
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignRun> Runs => Set<CampaignRun>();
    public DbSet<CampaignMessage> Messages => Set<CampaignMessage>();
    public DbSet<ContactActivity> ContactActivities => Set<ContactActivity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.Entity<Campaign>(campaign =>
        {
            campaign.ToTable("campaigns");
            campaign.Property(c => c.Id).ValueGeneratedNever();
            campaign.Property(c => c.Name).HasMaxLength(200);
            campaign.Property(c => c.Purpose).HasMaxLength(40);
            campaign.Property(c => c.Channel).HasMaxLength(20);
            campaign.Property(c => c.Subject).HasMaxLength(1000);
            campaign.Property(c => c.Status).HasMaxLength(20);
            campaign.Property(c => c.Version).IsRowVersion();
            campaign.OwnsOne(c => c.Schedule, s => s.ToJson());
            campaign.OwnsOne(c => c.Trigger, t => t.ToJson());
            campaign.OwnsOne(c => c.Policies, p => p.ToJson());
            // The scheduler's question every second: which scheduled campaigns are due.
            campaign.HasIndex(c => c.NextRunAt).HasFilter("status = 'scheduled'");
        });
        modelBuilder.Entity<CampaignRun>(run =>
        {
            run.ToTable("campaign_runs");
            run.Property(r => r.Id).ValueGeneratedNever();
            run.Property(r => r.Occurrence).HasMaxLength(100);
            run.Property(r => r.Status).HasMaxLength(20);
            run.Property(r => r.LastError).HasMaxLength(500);
            run.HasIndex(r => new { r.CampaignId, r.Occurrence }).IsUnique();
            run.HasIndex(r => r.Status).HasFilter("status IN ('resolving', 'releasing')");
        });
        modelBuilder.Entity<CampaignMessage>(message =>
        {
            message.ToTable("campaign_messages");
            message.Property(m => m.Id).ValueGeneratedNever();
            message.Property(m => m.Occurrence).HasMaxLength(100);
            message.Property(m => m.Channel).HasMaxLength(20);
            message.Property(m => m.Purpose).HasMaxLength(40);
            message.Property(m => m.Status).HasMaxLength(20);
            message.Property(m => m.ExcludedReason).HasMaxLength(40);
            message.Property(m => m.DeferredReason).HasMaxLength(20);
            message.Property(m => m.Address).HasMaxLength(320);
            message.Property(m => m.TimeZone).HasMaxLength(64);
            message.Property(m => m.OutcomeDetail).HasMaxLength(CampaignMessage.OutcomeDetailLength);
            // Exactly one message per recipient per occurrence, whatever retries or restarts happen.
            message.HasIndex(m => new { m.CampaignId, m.Occurrence, m.ContactId }).IsUnique();
            // The release loop's question, per running campaign: what is due now, in order (so a LIMIT stops the scan).
            message.HasIndex(m => new { m.CampaignId, m.NotBefore }).HasFilter("status = 'pending'").HasDatabaseName("ix_campaign_messages_due");
            // Back-pressure: how many are handed to tooling and not answered yet, per channel.
            message.HasIndex(m => m.Channel).HasFilter("status = 'released'").HasDatabaseName("ix_campaign_messages_in_flight");
            message.HasIndex(m => m.ContactId);
        });
        modelBuilder.Entity<ContactActivity>(activity =>
        {
            activity.ToTable("contact_activities");
            activity.HasKey(a => a.ContactId);
            activity.Property(a => a.LastOrderNumber).HasMaxLength(100);
            activity.Property(a => a.LastOrderCurrency).HasMaxLength(3);
        });
    }
}
