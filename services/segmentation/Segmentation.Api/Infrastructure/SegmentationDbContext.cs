using CustomerBase.Messaging;
using CustomerBase.Segmentation.Model;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Infrastructure;

public sealed class SegmentationDbContext(DbContextOptions<SegmentationDbContext> options) : DbContext(options)
{
    public DbSet<ContactProfile> ContactProfiles => Set<ContactProfile>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ContactProfile>(profile =>
        {
            profile.HasKey(p => p.ContactId);
            profile.Property(p => p.ContactId).ValueGeneratedNever();
            profile.Property(p => p.FirstName).HasMaxLength(200);
            profile.Property(p => p.LastName).HasMaxLength(200);
            profile.Property(p => p.TotalSpent).HasPrecision(18, 2);
        });
        modelBuilder.AddOutboxAndInbox();
    }
}
