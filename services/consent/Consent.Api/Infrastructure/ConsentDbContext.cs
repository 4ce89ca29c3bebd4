using CustomerBase.Consent.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Consent.Infrastructure;

public sealed class ConsentDbContext(DbContextOptions<ConsentDbContext> options) : DbContext(options)
{
    public DbSet<ConsentRecord> ConsentRecords => Set<ConsentRecord>();
    public DbSet<ConsentState> ConsentStates => Set<ConsentState>();
    public DbSet<DoubleOptInToken> DoubleOptInTokens => Set<DoubleOptInToken>();
    public DbSet<UsedUnsubscribeToken> UsedUnsubscribeTokens => Set<UsedUnsubscribeToken>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<DataTransfer> DataTransfers => Set<DataTransfer>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ErasureRequest> ErasureRequests => Set<ErasureRequest>();

    public const string SequenceName = "consent_record_sequence";

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasSequence<long>(SequenceName);
        modelBuilder.Entity<ConsentRecord>(record =>
        {
            record.Property(r => r.Id).ValueGeneratedNever();
            // Taken from the sequence by the ledger in the order of the entries (EF orders its inserts by key, not by
            // the order they were added); the default numbers rows written by the first version.
            record.Property(r => r.Sequence).HasDefaultValueSql($"nextval('{SequenceName}')");
            record.HasIndex(r => r.Sequence).IsUnique();
            record.Property(r => r.Purpose).HasMaxLength(40);
            record.Property(r => r.Channel).HasMaxLength(40);
            record.Property(r => r.Action).HasMaxLength(40);
            record.Property(r => r.LegalBasis).HasMaxLength(40);
            record.Property(r => r.Source).HasMaxLength(40);
            record.Property(r => r.EvidenceDocument).HasMaxLength(1000);
            record.Property(r => r.EvidenceFormId).HasMaxLength(200);
            record.Property(r => r.EvidenceIp).HasMaxLength(45);
            record.Property(r => r.EvidenceUserAgent).HasMaxLength(500);
            record.Property(r => r.PolicyVersion).HasMaxLength(40);
            record.Property(r => r.RecordedBy).HasMaxLength(200);
            // A contact's history, and the replay of one purpose for checks about a past moment.
            record.HasIndex(r => new { r.ContactId, r.Purpose, r.Sequence });
        });
        modelBuilder.Entity<ConsentState>(state =>
        {
            state.HasKey(s => new { s.ContactId, s.Purpose, s.Channel });
            state.Property(s => s.Purpose).HasMaxLength(40);
            state.Property(s => s.Channel).HasMaxLength(40);
            state.Property(s => s.Status).HasMaxLength(20);
            state.Property(s => s.LegalBasis).HasMaxLength(40);
            state.Property(s => s.Block).HasMaxLength(20);
            state.Property(s => s.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<DoubleOptInToken>(token =>
        {
            token.HasKey(t => t.TokenHash);
            token.Property(t => t.Purpose).HasMaxLength(40);
            token.Property(t => t.Channel).HasMaxLength(40);
            token.HasIndex(t => t.ContactId);
        });
        modelBuilder.Entity<UsedUnsubscribeToken>(token =>
        {
            token.HasKey(t => t.TokenHash);
            token.HasIndex(t => t.ContactId);
        });
        modelBuilder.Entity<Suppression>(suppression =>
        {
            suppression.HasKey(s => s.Hash);
            suppression.Property(s => s.Kind).HasMaxLength(10);
            suppression.Property(s => s.Reason).HasMaxLength(40);
            suppression.Property(s => s.CreatedBy).HasMaxLength(200);
        });
        modelBuilder.Entity<DataTransfer>(transfer =>
        {
            transfer.Property(t => t.Id).ValueGeneratedNever();
            transfer.Property(t => t.Recipient).HasMaxLength(200);
            transfer.Property(t => t.Purpose).HasMaxLength(40);
            transfer.Property(t => t.LegalBasis).HasMaxLength(40);
            transfer.Property(t => t.Categories).HasMaxLength(500);
            transfer.Property(t => t.RecordedBy).HasMaxLength(200);
            transfer.HasIndex(t => t.ContactId);
        });
        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.Property(e => e.Id).ValueGeneratedNever();
            entry.Property(e => e.Service).HasMaxLength(40);
            entry.Property(e => e.Actor).HasMaxLength(200);
            entry.Property(e => e.What).HasMaxLength(100);
            entry.Property(e => e.Filter).HasMaxLength(1000);
            // The trail pages by (at, id); the filters an auditor starts from.
            entry.HasIndex(e => new { e.At, e.Id });
            entry.HasIndex(e => new { e.Actor, e.At });
            entry.HasIndex(e => new { e.ContactId, e.At });
        });
        modelBuilder.Entity<ErasureRequest>(request =>
        {
            request.Property(r => r.Id).ValueGeneratedNever();
            request.Property(r => r.RequestedBy).HasMaxLength(200);
            request.HasMany(r => r.Answers).WithOne().HasForeignKey(a => a.RequestId);
            request.HasIndex(r => r.CompletedAt);
        });
        modelBuilder.Entity<ErasureAnswer>(answer =>
        {
            answer.HasKey(a => new { a.RequestId, a.Service });
            answer.Property(a => a.Service).HasMaxLength(40);
            answer.Property(a => a.Detail).HasMaxLength(500);
        });
        modelBuilder.AddOutboxAndInbox();
    }
}
