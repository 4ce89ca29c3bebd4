using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Campaigns.Infrastructure;

/// <summary>Campaigns' own database. For now it holds the outbox and inbox; campaigns and messages follow.</summary>
public sealed class CampaignsDbContext(DbContextOptions<CampaignsDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}
