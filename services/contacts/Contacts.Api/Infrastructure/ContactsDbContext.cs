using CustomerBase.Contacts.Model;
using CustomerBase.Messaging;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Contacts.Infrastructure;

public sealed class ContactsDbContext(DbContextOptions<ContactsDbContext> options) : DbContext(options)
{
    public DbSet<Contact> Contacts => Set<Contact>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Contact>(contact =>
        {
            contact.Property(c => c.Id).ValueGeneratedNever();
            contact.Property(c => c.FirstName).HasMaxLength(ContactRules.NameMaxLength);
            contact.Property(c => c.LastName).HasMaxLength(ContactRules.NameMaxLength);
        });
        modelBuilder.AddOutboxAndInbox();
    }
}
