using CustomerBase.Interactions.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Interactions.Infrastructure;

public sealed class InteractionsDbContext(DbContextOptions<InteractionsDbContext> options) : DbContext(options)
{
    public DbSet<Interaction> Interactions => Set<Interaction>();
    public DbSet<FollowUpTask> Tasks => Set<FollowUpTask>();
    public DbSet<ContactPurchaseStats> PurchaseStats => Set<ContactPurchaseStats>();
    public DbSet<UnmergedPurchases> UnmergedPurchases => Set<UnmergedPurchases>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ImportRowError> ImportRowErrors => Set<ImportRowError>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Interaction>(interaction =>
        {
            interaction.Property(i => i.Id).ValueGeneratedNever();
            interaction.Property(i => i.Kind).HasMaxLength(40);
            interaction.Property(i => i.Channel).HasMaxLength(40);
            interaction.Property(i => i.Direction).HasMaxLength(10);
            interaction.Property(i => i.Author).HasMaxLength(200);
            interaction.Property(i => i.Subject).HasMaxLength(Apis.InteractionValidator.MaxSubject);
            interaction.Property(i => i.Status).HasMaxLength(40);
            interaction.Property(i => i.Payload).HasColumnType("jsonb");
            // Words of subjects and notes, language-neutral ('simple': customers write in many languages).
            interaction.HasGeneratedTsVectorColumn(i => i.Search, "simple", i => new { i.Subject, i.Note })
                .HasIndex(i => i.Search).HasMethod("GIN");
            // A contact's timeline, newest first, with the id as the keyset tie-breaker.
            interaction.HasIndex(i => new { i.ContactId, i.OccurredAt, i.Id }).IsDescending(false, true, true)
                .HasDatabaseName("ix_interactions_timeline");
        });

        modelBuilder.Entity<FollowUpTask>(task =>
        {
            task.ToTable("tasks");
            task.Property(t => t.Id).ValueGeneratedNever();
            task.Property(t => t.Title).HasMaxLength(300);
            task.Property(t => t.Kind).HasMaxLength(40);
            task.Property(t => t.Assignee).HasMaxLength(200);
            task.Property(t => t.Status).HasMaxLength(20);
            task.Property(t => t.CreatedBy).HasMaxLength(200);
            task.HasIndex(t => new { t.Assignee, t.Status, t.DueAt });
            task.HasIndex(t => t.ContactId);
            // What the scheduler claims: open tasks whose due time has not been announced yet.
            task.HasIndex(t => t.DueAt).HasFilter("status = 'open' AND due_notified_at IS NULL").HasDatabaseName("ix_tasks_awaiting_due");
        });

        modelBuilder.Entity<ContactPurchaseStats>(stats =>
        {
            stats.ToTable("contact_purchase_stats");
            stats.HasKey(s => s.ContactId);
            stats.Property(s => s.Total).HasPrecision(20, 2);
            // What a merge works from (order dates, spend per category) is stored apart from the figures (out of line,
            // uncompressed, once a row passes 128 bytes; the migration sets the columns' storage): PurchaseStats reads
            // 10,000 rows' figures by primary key, and with the two inline its SQL took 71 ms (p50) instead of 59; now 47.
            stats.HasStorageParameter("toast_tuple_target", 128);
            stats.Property(s => s.OrderDates).HasDefaultValueSql("'{}'");
            stats.Property(s => s.CategorySpend).HasColumnType("jsonb").HasDefaultValueSql("'{}'");
            stats.Property(s => s.RefreshedAt).HasDefaultValueSql("'infinity'");
        });

        modelBuilder.Entity<UnmergedPurchases>(mark =>
        {
            mark.ToTable("unmerged_purchases");
            // Looked up by contact (is anyone else's merge pending?), deleted by job.
            mark.HasKey(m => new { m.ContactId, m.JobId });
            mark.HasIndex(m => m.JobId);
        });

        modelBuilder.Entity<ImportJob>(job =>
        {
            job.Property(j => j.Id).ValueGeneratedNever();
            job.Property(j => j.Format).HasMaxLength(20);
            job.Property(j => j.Status).HasMaxLength(20);
            job.Property(j => j.CreatedBy).HasMaxLength(200);
            job.Property(j => j.Error).HasMaxLength(1000);
        });
        modelBuilder.Entity<ImportRowError>(error =>
        {
            error.HasKey(e => new { e.JobId, e.RowNumber, e.Field });
            error.Property(e => e.Field).HasMaxLength(200);
            error.Property(e => e.Message).HasMaxLength(1000);
        });

        modelBuilder.AddOutboxAndInbox();
        // An import's OrdersImported events are ~200 KB of JSON each (500 orders), 1,200 per million rows, compressed on
        // insert: with the default (pglz) that was a sixth of the import's COPY backend in a profile. As in contacts (ADR 30).
        modelBuilder.Entity<OutboxMessage>().Property(m => m.Body).UseCompressionMethod("lz4");
    }
}
