using System.Text.Json;
using CustomerBase.Contacts.Companies;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Duplicates;
using CustomerBase.Contacts.Import;
using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace CustomerBase.Contacts.Infrastructure;

public sealed class ContactsDbContext(DbContextOptions<ContactsDbContext> options) : DbContext(options)
{
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<DuplicateScan> DuplicateScans => Set<DuplicateScan>();
    public DbSet<DuplicateGroup> DuplicateGroups => Set<DuplicateGroup>();
    public DbSet<CustomFieldDefinition> CustomFieldDefinitions => Set<CustomFieldDefinition>();
    public DbSet<ImportRowError> ImportRowErrors => Set<ImportRowError>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.Entity<Contact>(contact =>
        {
            contact.Property(c => c.Id).ValueGeneratedNever();
            contact.Property(c => c.FirstName).HasMaxLength(ContactRules.NameMaxLength);
            contact.Property(c => c.MiddleName).HasMaxLength(ContactRules.NameMaxLength);
            contact.Property(c => c.LastName).HasMaxLength(ContactRules.NameMaxLength);
            contact.Property(c => c.Gender).HasMaxLength(20);
            contact.Property(c => c.Language).HasMaxLength(35);
            contact.Property(c => c.TimeZone).HasMaxLength(64);
            contact.Property(c => c.PreferredChannel).HasMaxLength(20);
            contact.Property(c => c.OwnerId).HasMaxLength(ContactRules.ShortTextMaxLength);
            contact.Property(c => c.Team).HasMaxLength(ContactRules.ShortTextMaxLength);
            contact.Property(c => c.ExternalId).HasMaxLength(ContactRules.ShortTextMaxLength);
            contact.Property(c => c.Version).IsConcurrencyToken();

            contact.Property(c => c.CustomFields).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb").HasConversion(
                f => JsonSerializer.Serialize(f, ContactJson.Options), f => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(f, ContactJson.Options)!,
                new ValueComparer<Dictionary<string, JsonElement>>(
                    (a, b) => JsonSerializer.Serialize(a, ContactJson.Options) == JsonSerializer.Serialize(b, ContactJson.Options),
                    f => f.Count, f => new Dictionary<string, JsonElement>(f)));
            contact.OwnsOne(c => c.Demographics, d => d.ToJson());
            contact.OwnsOne(c => c.Source, s => s.ToJson());
            contact.OwnsOne(c => c.CallWindow, w => w.ToJson());
            contact.OwnsOne(c => c.WorkingHours, w => w.ToJson());
            contact.Property(c => c.CompanyRole).HasMaxLength(ContactRules.ShortTextMaxLength);
            contact.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Restrict);
            contact.OwnsMany(c => c.ImportantDates, d => d.ToJson());
            contact.OwnsMany(c => c.Messengers, m => m.ToJson());
            contact.OwnsMany(c => c.Addresses, a => a.ToJson());

            // Search: GIN containment for channels and tags, trigram GIN for name prefixes and fuzzy names.
            contact.HasIndex(c => c.EmailKeys).HasMethod("gin");
            contact.HasIndex(c => c.Phones).HasMethod("gin");
            contact.HasIndex(c => c.Tags).HasMethod("gin");
            contact.HasIndex(c => c.SearchName).HasMethod("gin").HasOperators("gin_trgm_ops").HasDatabaseName("ix_contacts_search_name_trgm");
            contact.HasIndex(c => new { c.SearchName, c.Id }).HasDatabaseName("ix_contacts_name_order");
            // text_pattern_ops: under the C.UTF-8 collation a plain btree cannot serve LIKE 'x%'.
            // INCLUDE: a name search collects ids (with what visibility needs) by index-only scans, then reads 51 rows.
            // Each also carries the other two name keys, so that a search of several words scans the rarest word's
            // range and checks the others in the index itself (ADR 35).
            contact.HasIndex(c => c.FirstNameKey).HasOperators("text_pattern_ops").IncludeProperties(c => new { c.Id, c.Team, c.OwnerId, c.MiddleNameKey, c.LastNameKey });
            contact.HasIndex(c => c.MiddleNameKey).HasOperators("text_pattern_ops").IncludeProperties(c => new { c.Id, c.Team, c.OwnerId, c.FirstNameKey, c.LastNameKey });
            contact.HasIndex(c => c.LastNameKey).HasOperators("text_pattern_ops").IncludeProperties(c => new { c.Id, c.Team, c.OwnerId, c.FirstNameKey, c.MiddleNameKey });
            contact.HasIndex(c => c.ExternalId).IsUnique().HasFilter("external_id IS NOT NULL");
            contact.HasIndex(c => new { c.Team, c.OwnerId });
        });
        modelBuilder.Entity<ContactMerge>(merge =>
        {
            merge.Property(m => m.Id).ValueGeneratedNever();
            merge.Property(m => m.FieldChoices).HasColumnType("jsonb");
            merge.Property(m => m.MergedBy).HasMaxLength(ContactRules.ShortTextMaxLength);
            merge.HasIndex(m => m.SurvivorId);
        });
        modelBuilder.Entity<ImportJob>(job =>
        {
            job.Property(j => j.Id).ValueGeneratedNever();
            job.Property(j => j.Status).HasConversion<string>().HasMaxLength(20);
            job.Property(j => j.Format).HasMaxLength(10);
            job.Property(j => j.FileName).HasMaxLength(ContactRules.ShortTextMaxLength);
            job.Property(j => j.CreatedBy).HasMaxLength(ContactRules.ShortTextMaxLength);
            job.Property(j => j.Team).HasMaxLength(ContactRules.ShortTextMaxLength);
            job.Property(j => j.Settings).HasColumnType("jsonb").HasConversion(
                s => JsonSerializer.Serialize(s, ContactJson.Options), s => JsonSerializer.Deserialize<ImportSettings>(s, ContactJson.Options)!);
            job.Property(j => j.Columns).HasColumnType("jsonb").HasConversion(
                c => JsonSerializer.Serialize(c, ContactJson.Options), c => JsonSerializer.Deserialize<Dictionary<string, string>>(c, ContactJson.Options)!,
                new ValueComparer<Dictionary<string, string>>((a, b) => a!.SequenceEqual(b!), c => c.Count, c => new Dictionary<string, string>(c)));
            job.Ignore(j => j.Percent);
            job.HasIndex(j => new { j.CreatedBy, j.CreatedAt });
            job.HasIndex(j => j.Status);
        });
        modelBuilder.Entity<Company>(company =>
        {
            company.Property(c => c.Id).ValueGeneratedNever();
            company.Property(c => c.Name).HasMaxLength(ContactRules.NameMaxLength);
            company.Property(c => c.TaxId).HasMaxLength(50);
            company.Property(c => c.TaxIdKey).HasMaxLength(50);
            company.Property(c => c.Industry).HasMaxLength(ContactRules.ShortTextMaxLength);
            company.Property(c => c.Size).HasMaxLength(20);
            company.Property(c => c.Website).HasMaxLength(ContactRules.ShortTextMaxLength);
            company.Property(c => c.OwnerId).HasMaxLength(ContactRules.ShortTextMaxLength);
            company.Property(c => c.Team).HasMaxLength(ContactRules.ShortTextMaxLength);
            company.Property(c => c.Version).IsConcurrencyToken();
            company.OwnsOne(c => c.Address, a => a.ToJson());
            company.HasIndex(c => c.TaxIdKey).IsUnique().HasFilter("tax_id_key IS NOT NULL");
            // Name prefixes (lower(name) LIKE 'x%') use ix_companies_lower_name, an expression index made in the migration.
            company.HasIndex(c => new { c.Team, c.OwnerId });
        });
        modelBuilder.Entity<CustomFieldDefinition>(definition =>
        {
            definition.HasKey(d => d.Key);
            definition.Property(d => d.Key).HasMaxLength(50);
            definition.Property(d => d.Label).HasMaxLength(200);
            definition.Property(d => d.Type).HasConversion<string>().HasMaxLength(20);
        });
        modelBuilder.Entity<DuplicateScan>(scan =>
        {
            scan.Property(s => s.Id).ValueGeneratedNever();
            scan.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
            scan.Property(s => s.Stage).HasMaxLength(20);
            scan.Property(s => s.CreatedBy).HasMaxLength(ContactRules.ShortTextMaxLength);
            scan.Property(s => s.Team).HasMaxLength(ContactRules.ShortTextMaxLength);
        });
        modelBuilder.Entity<DuplicateGroup>(group =>
        {
            group.Property(g => g.Id).UseIdentityAlwaysColumn();
            group.HasIndex(g => new { g.ScanId, g.Ordinal }).IsUnique();
        });
        modelBuilder.Entity<ImportRowError>(error =>
        {
            error.Property(e => e.Id).UseIdentityAlwaysColumn();
            error.HasIndex(e => new { e.ImportId, e.Row });
        });
        modelBuilder.AddOutboxAndInbox();
        // An import's ContactsImported events are ~310 KB of JSON each, a thousand per million rows, and PostgreSQL
        // compresses every one on insert: with its default (pglz) that was a sixth of the import writer's database
        // time. lz4 is much cheaper to compress and to decompress for the dispatcher (ADR 30).
        modelBuilder.Entity<OutboxMessage>().Property(m => m.Body).UseCompressionMethod("lz4");
    }
}
