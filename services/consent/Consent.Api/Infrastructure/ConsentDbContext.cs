using CustomerBase.Consent.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Infrastructure;

public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options) : DbContext(options)
{
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ConsentRecord>(record =>
        {
            record.Property(r => r.Id).ValueGeneratedNever();
            record.Property(r => r.Purpose).HasMaxLength(40);
            record.Property(r => r.Channel).HasMaxLength(40);
            record.Property(r => r.Action).HasMaxLength(40);
            record.Property(r => r.LegalBasis).HasMaxLength(40);
            record.Property(r => r.Source).HasMaxLength(40);
            record.Property(r => r.Evidence).HasMaxLength(1000);
            record.Property(r => r.PolicyVersion).HasMaxLength(40);
            // Serves "the latest entry per contact for this purpose and channel".
            record.HasIndex(r => new { r.ContactId, r.Purpose, r.Channel, r.RecordedAt });
        });
        modelBuilder.AddOutboxAndInbox();
    }
}
