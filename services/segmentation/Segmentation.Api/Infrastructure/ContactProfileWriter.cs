using CustomerBase.Contacts.Contracts;
using Microsoft.EntityFrameworkCore;

namespace CustomerBase.Segmentation.Infrastructure;

/// <summary>
/// Applies events to the read model as single atomic upserts. Events for one contact are consumed concurrently
/// (two orders a second apart land on different consumer instances), so read-modify-write would lose updates.
/// </summary>
public static class ContactProfileWriter
{
    public static Task ApplyContactCreatedAsync(this SegmentationDbContext db, Guid contactId, string? firstName, string? lastName, DateTimeOffset createdAt, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO contact_profiles (contact_id, first_name, last_name, created_at, order_count, total_spent, updated_at)
            VALUES ({contactId}, {firstName}, {lastName}, {createdAt}, 0, 0, now())
            ON CONFLICT (contact_id) DO UPDATE SET
                first_name = excluded.first_name,
                last_name = excluded.last_name,
                created_at = excluded.created_at,
                updated_at = now()
            """, ct);

    /// <summary>New names for a contact segmentation knows; a contact it has not seen yet waits for its ContactCreated.</summary>
    public static Task ApplyContactUpdatedAsync(this SegmentationDbContext db, Guid contactId, string? firstName, string? lastName, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            UPDATE contact_profiles SET first_name = {firstName}, last_name = {lastName}, updated_at = now()
            WHERE contact_id = {contactId}
            """, ct);

    /// <summary>
    /// A batch of imported contacts as one upsert over arrays: new ones enter the read model, updated ones get their
    /// new names; a contact created by the import keeps the import's time as its creation time.
    /// </summary>
    public static Task ApplyContactsImportedAsync(this SegmentationDbContext db, IReadOnlyList<ImportedContact> contacts, DateTimeOffset importedAt, CancellationToken ct)
    {
        var ids = contacts.Select(c => c.ContactId).ToArray();
        var firstNames = contacts.Select(c => c.Contact.FirstName).ToArray();
        var lastNames = contacts.Select(c => c.Contact.LastName).ToArray();
        var createdAt = contacts.Select(c => c.Created ? importedAt : (DateTimeOffset?)null).ToArray();
        return db.Database.ExecuteSqlAsync($"""
            INSERT INTO contact_profiles (contact_id, first_name, last_name, created_at, order_count, total_spent, updated_at)
            SELECT i.id, i.first_name, i.last_name, i.created_at, 0, 0, now()
            FROM unnest({ids}, {firstNames}, {lastNames}, {createdAt}) AS i(id, first_name, last_name, created_at)
            ON CONFLICT (contact_id) DO UPDATE SET
                first_name = excluded.first_name,
                last_name = excluded.last_name,
                created_at = coalesce(contact_profiles.created_at, excluded.created_at),
                updated_at = now()
            """, ct);
    }

    /// <summary>A deleted contact leaves the read model, and so every audience.</summary>
    public static Task ApplyContactDeletedAsync(this SegmentationDbContext db, Guid contactId, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"DELETE FROM contact_profiles WHERE contact_id = {contactId}", ct);

    /// <summary>The merged contacts' purchase statistics move to the survivor; the merged entries leave the read model.</summary>
    public static Task ApplyContactMergedAsync(this SegmentationDbContext db, Guid survivorId, Guid[] mergedIds, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            WITH gone AS (
                DELETE FROM contact_profiles WHERE contact_id = ANY({mergedIds})
                RETURNING order_count, total_spent, first_order_at, last_order_at
            ), moved AS (
                SELECT coalesce(sum(order_count), 0) AS orders, coalesce(sum(total_spent), 0) AS spent,
                       min(first_order_at) AS first_order, max(last_order_at) AS last_order
                FROM gone
            )
            UPDATE contact_profiles AS p SET
                order_count = p.order_count + moved.orders,
                total_spent = p.total_spent + moved.spent,
                first_order_at = LEAST(p.first_order_at, moved.first_order),
                last_order_at = GREATEST(p.last_order_at, moved.last_order),
                updated_at = now()
            FROM moved
            WHERE p.contact_id = {survivorId}
            """, ct);

    public static Task ApplyOrderAsync(this SegmentationDbContext db, Guid contactId, decimal total, DateTimeOffset orderedAt, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO contact_profiles (contact_id, order_count, total_spent, first_order_at, last_order_at, updated_at)
            VALUES ({contactId}, 1, {total}, {orderedAt}, {orderedAt}, now())
            ON CONFLICT (contact_id) DO UPDATE SET
                order_count = contact_profiles.order_count + 1,
                total_spent = contact_profiles.total_spent + excluded.total_spent,
                first_order_at = LEAST(contact_profiles.first_order_at, excluded.first_order_at),
                last_order_at = GREATEST(contact_profiles.last_order_at, excluded.last_order_at),
                updated_at = now()
            """, ct);

    /// <summary>Many orders in one statement (an import's batch): summed per contact, then one upsert per contact.</summary>
    public static Task ApplyOrdersAsync(this SegmentationDbContext db, Guid[] contactIds, decimal[] totals, DateTimeOffset[] orderedAt, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO contact_profiles (contact_id, order_count, total_spent, first_order_at, last_order_at, updated_at)
            SELECT contact_id, count(*), sum(total), min(ordered_at), max(ordered_at), now()
            FROM unnest({contactIds}, {totals}, {orderedAt}) AS o(contact_id, total, ordered_at)
            GROUP BY contact_id
            ON CONFLICT (contact_id) DO UPDATE SET
                order_count = contact_profiles.order_count + excluded.order_count,
                total_spent = contact_profiles.total_spent + excluded.total_spent,
                first_order_at = LEAST(contact_profiles.first_order_at, excluded.first_order_at),
                last_order_at = GREATEST(contact_profiles.last_order_at, excluded.last_order_at),
                updated_at = now()
            """, ct);
}
