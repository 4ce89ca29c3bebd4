using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Messaging;

public static class MessagingModelBuilderExtensions
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";

    /// <summary>Adds the outbox and inbox tables to a service's model; its migrations then create them.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable(OutboxTable);
            outbox.HasKey(m => m.Id);
            outbox.Property(m => m.Id).ValueGeneratedNever();
            outbox.Property(m => m.MessageType).HasMaxLength(500);
            // json, not jsonb: the body is only ever stored and read back whole (and searched as text by an erasure),
            // and a batch event of 1,000 contacts is ~700 KB that jsonb would parse into its binary form and render back.
            outbox.Property(m => m.Body).HasColumnType("json");
            outbox.Property(m => m.TraceParent).HasMaxLength(55);
            outbox.Property(m => m.LastError).HasMaxLength(500);
            // The dispatcher only ever reads pending rows, oldest first; sent rows stay out of this index. Ordered by
            // creation alone, so a batch reads the first rows of the index: led by next_attempt_at, every batch had to
            // sort the whole backlog (a million events after a rebuild went out at ~300/s).
            outbox.HasIndex(m => m.CreatedAt)
                .HasDatabaseName("ix_outbox_messages_pending")
                .HasFilter("sent_at IS NULL");
            // The clean-up deletes sent rows by age.
            outbox.HasIndex(m => m.SentAt).HasDatabaseName("ix_outbox_messages_sent").HasFilter("sent_at IS NOT NULL");
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable(InboxTable);
            inbox.HasKey(m => new { m.MessageId, m.Consumer });
            inbox.Property(m => m.Consumer).HasMaxLength(300);
            inbox.HasIndex(m => m.ProcessedAt);
        });

        return modelBuilder;
    }
}
