using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Infrastructure;

public sealed class InteractionsDbContext(DbContextOptions<InteractionsDbContext> options) : DbContext(options)
{
    public DbSet<Interaction> Interactions => Set<Interaction>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Interaction>(interaction =>
        {
            interaction.Property(i => i.Id).ValueGeneratedNever();
            interaction.Property(i => i.Kind).HasMaxLength(40);
            interaction.Property(i => i.Payload).HasColumnType("jsonb");
            // A contact's timeline, newest first.
            interaction.HasIndex(i => new { i.ContactId, i.OccurredAt }).IsDescending(false, true);
        });
        modelBuilder.AddOutboxAndInbox();
    }
}
