using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Infrastructure;

public sealed class ContactsDbContext(DbContextOptions<ContactsDbContext> options) : DbContext(options)
{
    public DbSet<Contact> Contacts => Set<Contact>();

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

            contact.OwnsOne(c => c.Demographics, d => d.ToJson());
            contact.OwnsOne(c => c.Source, s => s.ToJson());
            contact.OwnsOne(c => c.CallWindow, w => w.ToJson());
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
            contact.HasIndex(c => c.FirstNameKey).HasOperators("text_pattern_ops");
            contact.HasIndex(c => c.MiddleNameKey).HasOperators("text_pattern_ops");
            contact.HasIndex(c => c.LastNameKey).HasOperators("text_pattern_ops");
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
        modelBuilder.AddOutboxAndInbox();
    }
}
