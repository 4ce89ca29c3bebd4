using CustomerBase.Contacts.Apis;
using CustomerBase.Contacts.CustomFields;
using CustomerBase.Contacts.Import;
using CustomerBase.Contacts.Infrastructure;
using CustomerBase.Contacts.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CustomerBase.IntegrationTests.Contacts;

/// <summary>
/// The import's writer on a private contacts database, driven step by step as an import drives it: a batch is matched
/// while the one before it is stored (ADR 13), so the interleavings that matter can be set up exactly.
/// </summary>
public sealed class ImportPipelineTests(SystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_row_laid_over_what_the_batch_before_could_not_write_is_reported_and_not_written()
    {
        await using var database = await PrivateDatabase.ContactsAsync(fixture);
        var now = DateTimeOffset.UtcNow;
        var xenia = new Contact { Id = Guid.CreateVersion7(now), CreatedAt = now, UpdatedAt = now, Version = 1 };
        xenia.Write(new ContactCard { FirstName = "Xenia", Emails = ["xenia@example.com"], Tags = ["first"] }, []);
        var job = new ImportJob { Id = Guid.CreateVersion7(now), CreatedAt = now, CreatedBy = "importer" };
        await using (var db = database.NewContext())
        {
            db.Contacts.Add(xenia);
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(Ct);
        }
        var writer = new ImportBatchWriter(job, Validator(), new ImportKeys(), bulkLoad: false);
        await using var storing = database.NewContext();
        await using var probing = database.NewContext();
        await probing.Database.OpenConnectionAsync(Ct); // as the importer holds it, for the whole import

        // Two batches with a row for Xenia each; the second is matched before the first is stored.
        var first = Batch(job, row: 2, tag: "one");
        var firstMatched = await writer.PrepareAsync(storing, first, writer.ProbeAsync(probing, first.Candidates, Ct), Ct);
        var second = Batch(job, row: 3, tag: "two");
        var secondMatched = await writer.PrepareAsync(storing, second, writer.ProbeAsync(probing, second.Candidates, Ct), Ct);
        // Meanwhile someone else changes her: the first batch's update no longer applies, and the version the second
        // batch's update expects (the one the first would have left) is now that other change's.
        await using (var db = database.NewContext())
        {
            await db.Contacts.Where(c => c.Id == xenia.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Tags, new List<string> { "theirs" }).SetProperty(c => c.Version, 2), Ct);
        }
        await StoreAsync(storing, writer, firstMatched);
        await StoreAsync(storing, writer, secondMatched);

        await using var check = database.NewContext();
        var stored = await check.Contacts.AsNoTracking().SingleAsync(c => c.Id == xenia.Id, Ct);
        Assert.Equal(["theirs"], stored.Tags);
        Assert.Equal(2, stored.Version);
        Assert.Equal([2L, 3L], await check.ImportRowErrors.Where(e => e.ImportId == job.Id).OrderBy(e => e.Row).Select(e => e.Row).ToListAsync(Ct));
        Assert.All(first.Errors.Concat(second.Errors), e => Assert.Contains("changed by someone else", e.Reason));
        var counted = await check.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id, Ct);
        Assert.Equal((0L, 2L), (counted.Updated, counted.Failed));
    }

    private static async Task StoreAsync(ContactsDbContext db, ImportBatchWriter writer, PreparedBatch batch)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        await writer.StoreAsync(db, batch, Ct);
        await transaction.CommitAsync(Ct);
    }

    /// <summary>A batch of one row that updates the contact with the e-mail (no first name: it cannot create one).</summary>
    private static ImportBatch Batch(ImportJob job, long row, string tag)
    {
        var candidate = new ImportCandidate
        {
            Row = row, MissingFirstName = true, Sources = new ImportSources(),
            Card = new ContactCard { Emails = ["xenia@example.com"], Tags = [tag] },
        };
        ImportBatchWriter.Prepare(job, candidate);
        return new ImportBatch([candidate], [], RowsRead: 1, BytesRead: 0);
    }

    private static ContactValidator Validator() => new(
        new PhoneNormalizer(Options.Create(new ContactsOptions())),
        new CustomFieldCatalog(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), NullLogger<CustomFieldCatalog>.Instance));
}
