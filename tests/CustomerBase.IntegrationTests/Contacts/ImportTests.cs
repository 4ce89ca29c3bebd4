using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CustomerBase.ServiceDefaults;
using CustomerBase.ServiceDefaults.Security;
using MiniExcelLibs;
using Npgsql;

namespace CustomerBase.IntegrationTests.Contacts;

/// <summary>Customer-list imports through the gateway into the real contacts service, PostgreSQL and segmentation.</summary>
public sealed class ImportTests(SystemFixture fixture)
{
    // Its own administrator, so polling job status does not spend the shared client's rate limit.
    private readonly HttpClient _api = fixture.ClientFor(Roles.Administrator);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A token unique to one test, so its rows match no other test's contacts.</summary>
    private static string Unique() => Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task An_import_of_10000_rows_with_300_bad_ones_keeps_the_rest_and_reports_exactly_those()
    {
        var run = Unique();
        var csv = new StringBuilder("First name,Last name,E-mail,Phone,Date of birth\n");
        var bad = new HashSet<long>();
        for (var i = 0; i < 10_000; i++)
        {
            var row = i + 2; // the header is row 1
            var (email, birth) = ($"p{i}.{run}@example.com", "1990-01-15");
            if (i % 100 == 7) { email = $"p{i}-{run}-at-example.com"; bad.Add(row); }
            else if (i % 100 == 41) { birth = "1990-13-45"; bad.Add(row); }
            else if (i % 100 == 77) { bad.Add(row); csv.Append($"Extra,{run},x{i}.{run}@example.com,,1990-01-01,surplus\n"); continue; }
            csv.Append($"Name{i},{run},{email},,{birth}\n");
        }
        Assert.Equal(300, bad.Count);

        var job = await ImportAsync(csv.ToString());

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(10_000, job.GetProperty("rowsRead").GetInt64());
        Assert.Equal(9_700, job.GetProperty("created").GetInt64());
        Assert.Equal(300, job.GetProperty("failed").GetInt64());
        Assert.Equal(100, job.GetProperty("percent").GetInt32());
        var report = await ErrorReportAsync(job);
        Assert.Equal(bad.Order(), report.Select(r => r.Row).Distinct().Order());
        Assert.Contains(report, r => r.Column == "E-mail" && r.Reason.Contains("e-mail", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(report, r => r.Column == "Date of birth");
        Assert.Contains(report, r => r.Column == "" && r.Reason.Contains("6 values"));

        var found = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?email=p9999.{run}@example.com", Ct);
        Assert.Equal($"Name9999", found.GetProperty("items")[0].GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task A_row_finds_what_the_batch_before_it_created_or_changed()
    {
        // A batch's keys are looked up while the batch before it is still being written (ADR 13): a row of the second
        // batch must still find the contact the first one created, and the version the first one left on a contact.
        var run = Unique();
        var xenia = await _api.CreateContactAsync(new { firstName = "Xenia", lastName = run, emails = new[] { $"x.{run}@example.com" }, tags = new[] { "first" } });
        var csv = new StringBuilder("First name,Last name,E-mail,Phone,Tags\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append(i switch
            {
                4_990 => $"Yuri,{run},y.{run}@example.com,,",                  // a new person, in the first batch (rows 2–5001)
                4_995 => $",,x.{run}@example.com,,one",                        // Xenia, in the first batch
                5_005 => $",,y.{run}@example.com,+48 601 555 {Digits(run)},",  // Yuri again, in the second
                5_010 => $",,x.{run}@example.com,,two",                        // Xenia again, in the second
                _ => $"Name{i},{run},n{i}.{run}@example.com,,",
            }).Append('\n');
        }

        var job = await ImportAsync(csv.ToString());

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.False(job.GetProperty("bulkLoad").GetBoolean());
        Assert.Equal((9_997L, 3L, 0L), (job.GetProperty("created").GetInt64(), job.GetProperty("updated").GetInt64(), job.GetProperty("failed").GetInt64()));
        var card = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/{xenia}", Ct);
        Assert.Equal(["first", "one", "two"], card.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(3, card.GetProperty("version").GetInt32());
        var yuri = (await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?email=y.{run}@example.com", Ct)).GetProperty("items");
        Assert.Equal(1, yuri.GetArrayLength());
        Assert.Equal($"+48601555{Digits(run)}", yuri[0].GetProperty("phones")[0].GetString());
    }

    [Fact]
    public async Task Russian_and_Polish_headers_are_recognised_and_a_known_email_updates_its_contact()
    {
        var run = Unique();
        var existing = await _api.CreateContactAsync(new { firstName = "Irina", lastName = "Old", emails = new[] { $"irina.{run}@example.com" }, tags = new[] { "vip" } });

        var russian = await ImportAsync($"""
            ФИО;Эл. почта;Телефон;Дата рождения;Пол;Город;Теги
            Смирнова Ирина Петровна;irina.{run}@example.com;601 234 {Digits(run)};15.02.1990;ж;Казань;salon
            """);
        Assert.Equal("completed", russian.GetProperty("status").GetString());
        Assert.Equal(1, russian.GetProperty("updated").GetInt64());
        Assert.Equal("email", russian.GetProperty("columns").GetProperty("Эл. почта").GetString());

        var card = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts/{existing}", Ct);
        Assert.Equal("Ирина", card.GetProperty("firstName").GetString());
        Assert.Equal("Петровна", card.GetProperty("middleName").GetString());
        Assert.Equal("Смирнова", card.GetProperty("lastName").GetString());
        Assert.Equal("female", card.GetProperty("gender").GetString());
        Assert.Equal("1990-02-15", card.GetProperty("birthDate").GetString());
        Assert.Equal($"+48601234{Digits(run)}", card.GetProperty("phones")[0].GetString());
        Assert.Equal("Казань", card.GetProperty("addresses")[0].GetProperty("city").GetString());
        Assert.Equal(["vip", "salon"], card.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, card.GetProperty("version").GetInt32());

        var polish = await ImportAsync($"""
            Imię,Nazwisko,Adres e-mail,Numer telefonu,Kod pocztowy
            Anna,Kowalska-{run},anna.{run}@example.com,+48 600 100 {Digits(run)},30-001
            """);
        Assert.Equal(1, polish.GetProperty("created").GetInt64());
        var anna = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?email=anna.{run}@example.com", Ct);
        Assert.Equal($"Kowalska-{run}", anna.GetProperty("items")[0].GetProperty("lastName").GetString());
        Assert.Equal("30-001", anna.GetProperty("items")[0].GetProperty("addresses")[0].GetProperty("postalCode").GetString());
    }

    [Fact]
    public async Task Imported_contacts_reach_segmentation_through_batched_events()
    {
        var run = Unique();
        var job = await ImportAsync($"first name,last name,email\nOla,{run},ola.{run}@example.com\nEla,{run},ela.{run}@example.com\n");
        Assert.Equal(2, job.GetProperty("created").GetInt64());

        var page = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?q={run}", Ct);
        foreach (var contact in page.GetProperty("items").EnumerateArray())
        {
            var entry = await _api.WaitForSegmentationEntryAsync(contact.GetProperty("id").GetGuid());
            Assert.Equal(run, entry!.Value.GetProperty("lastName").GetString());
        }
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Imported_contacts_enter_the_segments_their_attributes_match_with_their_first_stage_published()
    {
        var run = Unique();
        var tag = "t" + run;
        using var created = await _api.PostAsJsonAsync("/api/segments",
            new { name = "Imported " + tag, kind = "dynamic", rule = $"\"{tag}\" in tags and stage = \"potential\"" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var segmentId = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();

        var job = await ImportAsync($"first name,last name,email,tags\nOla,{run},ola.{run}@example.com,{tag}\nEla,{run},ela.{run}@example.com,other\n");
        Assert.Equal(2, job.GetProperty("created").GetInt64());

        var ola = (await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?email=ola.{run}@example.com", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();
        var ela = (await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?email=ela.{run}@example.com", Ct)).GetProperty("items")[0].GetProperty("id").GetGuid();
        // Counted once the import pauses (ADR 0031): the members and stages appear a few seconds after the job completes.
        // A minute and more: other tests' imports running meanwhile postpone the count up to its maximum delay (60 s).
        var members = await Eventually.Until(() => MembersAsync(segmentId), m => m.Count > 0, TimeSpan.FromSeconds(90), "the imported contact entering its segment");
        Assert.Equal([ola], members);
        foreach (var id in new[] { ola, ela })
        {
            var entry = await _api.WaitForSegmentationEntryAsync(id, e => e.TryGetProperty("stage", out var s) && s.ValueKind == JsonValueKind.String);
            Assert.Equal("potential", entry!.Value.GetProperty("stage").GetString());
            var stages = await Eventually.Until(() => StageEventsAsync(id), rows => rows.Count > 0, what: "the first stage in segmentation's outbox");
            var first = Assert.Single(stages);
            Assert.Equal(JsonValueKind.Null, first.GetProperty("previousStage").ValueKind);
            Assert.Equal("potential", first.GetProperty("stage").GetString());
        }
    }

    private async Task<List<Guid>> MembersAsync(Guid segmentId) =>
        [.. (await _api.GetFromJsonAsync<JsonElement>($"/api/segments/{segmentId}/members?limit=10", Ct)).GetProperty("contactIds").EnumerateArray().Select(e => e.GetGuid())];

    /// <summary>Bodies of segmentation's <c>LifecycleStageChanged</c> outbox rows about one contact.</summary>
    private async Task<List<JsonElement>> StageEventsAsync(Guid contactId)
    {
        await using var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.SegmentationDb));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE 'CustomerBase.Segmentation.Contracts.LifecycleStageChanged,%' AND body->>'contactId' = @id", connection);
        command.Parameters.AddWithValue("id", contactId.ToString());
        var rows = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
        }
        return rows;
    }

    [Fact]
    public async Task An_xlsx_workbook_is_imported_with_an_explicit_mapping_and_dates_as_cells()
    {
        var run = Unique();
        using var workbook = new MemoryStream();
        await workbook.SaveAsAsync(new[]
        {
            new Dictionary<string, object> { ["Kundennummer"] = $"K-{run}", ["Vorname"] = "Jan", ["Nachname"] = run, ["Geburtstag"] = new DateTime(1985, 3, 1), ["Notiz"] = "x" },
        }, cancellationToken: Ct);

        var mapping = Uri.EscapeDataString(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Kundennummer"] = "externalId", ["Vorname"] = "firstName", ["Nachname"] = "lastName", ["Geburtstag"] = "birthDate", ["Notiz"] = "",
        }));
        var job = await _api.ImportContactsAsync(workbook.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"?mapping={mapping}&matchOn=externalId");

        Assert.Equal("xlsx", job.GetProperty("format").GetString());
        Assert.Equal(1, job.GetProperty("created").GetInt64());
        var page = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?q={run}", Ct);
        var card = page.GetProperty("items")[0];
        Assert.Equal($"K-{run}", card.GetProperty("externalId").GetString());
        Assert.Equal("1985-03-01", card.GetProperty("birthDate").GetString());
    }

    [Fact]
    public async Task A_multipart_upload_keeps_the_file_name_and_a_sales_managers_rows_are_theirs()
    {
        var run = Unique();
        var manager = fixture.ClientFor(Roles.SalesManager, team: $"team-{run}");
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes($"Name,Email\nMarta {run},marta.{run}@example.com\n")), "file", "leads.csv");

        using var response = await manager.PostAsync("/api/contacts/imports", form, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await manager.WaitForContactsImportAsync(response.Headers.Location!);
        Assert.Equal("leads.csv", job.GetProperty("fileName").GetString());
        Assert.Equal(1, job.GetProperty("created").GetInt64());

        var page = await manager.GetFromJsonAsync<JsonElement>($"/api/contacts?email=marta.{run}@example.com", Ct);
        Assert.Equal($"team-{run}", page.GetProperty("items")[0].GetProperty("team").GetString());
        using var other = await fixture.ClientFor(Roles.SalesManager, team: "another-team").GetAsync(response.Headers.Location, Ct);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task A_row_taking_an_external_id_the_importer_cannot_see_is_reported_and_the_rest_of_its_batch_is_stored()
    {
        var run = Unique();
        // Another team's contact holds the id: a sales manager's import cannot match it, so the row would be a new contact.
        var owner = fixture.ClientFor(Roles.SalesManager, team: $"owners-{run}");
        using var created = await owner.PostAsJsonAsync("/api/contacts", new { firstName = "Held", externalId = $"X-{run}" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var manager = fixture.ClientFor(Roles.SalesManager, team: $"importers-{run}");
        var csv = $"Name,Email,External id\nAnna {run},anna.{run}@example.com,A-{run}\nTaken {run},taken.{run}@example.com,X-{run}\nOla {run},ola.{run}@example.com,\n";
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        using var response = await manager.PostAsync("/api/contacts/imports?matchOn=externalId,email", content, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await manager.WaitForContactsImportAsync(response.Headers.Location!);

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(2, job.GetProperty("created").GetInt64());
        Assert.Equal(1, job.GetProperty("failed").GetInt64());
        var report = await manager.GetStringAsync(job.GetProperty("errors").GetString(), Ct);
        Assert.Contains("3,", report); // the taken row: row 3 of the file
        Assert.Contains("external id", report);
        foreach (var email in new[] { $"anna.{run}@example.com", $"ola.{run}@example.com" })
        {
            var page = await manager.GetFromJsonAsync<JsonElement>($"/api/contacts?email={email}", Ct);
            Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        }
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_with_413_naming_the_limit()
    {
        var body = new byte[SystemFixture.ImportLimitBytes + 1024];
        Array.Fill(body, (byte)'a');
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

        using var response = await _api.PostAsync("/api/contacts/imports", content, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.Contains(SystemFixture.ImportLimitBytes.ToString("N0"), problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("?mapping=%7B%22Col%22%3A%22shoeSize%22%7D", "mapping.Col")]
    [InlineData("?matchOn=name", "matchOn")]
    [InlineData("?encoding=ebcdic", "encoding")]
    [InlineData("?mapping=not-json", "mapping")]
    public async Task Bad_options_are_refused_naming_the_option(string query, string field)
    {
        using var content = new StringContent("First name\nAnna\n", Encoding.UTF8, "text/csv");
        using var response = await _api.PostAsync($"/api/contacts/imports{query}", content, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadProblemAsync();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_file_with_no_recognisable_column_fails_the_job_with_the_reason()
    {
        var job = await ImportAsync("Foo,Bar\n1,2\n");
        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(job.GetProperty("failureReason").GetString()));
    }

    [Fact]
    public async Task A_large_file_into_a_small_base_is_bulk_loaded_and_every_index_is_back_afterwards()
    {
        var indexesBefore = await ContactIndexesAsync();
        var (csv, good, bad) = LargeFile(Unique(), out var run);

        var job = await ImportAsync(csv);

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.True(job.GetProperty("bulkLoad").GetBoolean());
        Assert.Equal((good, bad), (job.GetProperty("created").GetInt64(), job.GetProperty("failed").GetInt64()));
        Assert.Equal(indexesBefore, await ContactIndexesAsync());
        var found = await _api.GetFromJsonAsync<JsonElement>($"/api/contacts?email=bulk{good - 1}.{run}@example.com", Ct);
        Assert.Equal($"Bulk{good - 1}", found.GetProperty("items")[0].GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task While_another_replica_bulk_loads_a_large_file_is_imported_the_ordinary_way()
    {
        // The advisory lock a bulk load holds (ImportLease.BulkLoadKey), taken here as another replica would.
        await using var otherReplica = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.ContactsDb));
        await otherReplica.OpenAsync(Ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", otherReplica))
        {
            take.Parameters.AddWithValue("key", 0x436F_6E74_6163_7401L);
            await take.ExecuteNonQueryAsync(Ct);
        }
        var (csv, good, bad) = LargeFile(Unique(), out _);

        var job = await ImportAsync(csv);

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.False(job.GetProperty("bulkLoad").GetBoolean());
        Assert.Equal((good, bad), (job.GetProperty("created").GetInt64(), job.GetProperty("failed").GetInt64()));
    }

    /// <summary>Past the fixture's bulk-load threshold, with one bad e-mail in a hundred rows.</summary>
    private static (string Csv, long Good, long Bad) LargeFile(string unique, out string run)
    {
        run = unique;
        var csv = new StringBuilder("First name,Last name,E-mail\n");
        long bad = 0;
        for (var i = 0; i < SystemFixture.BulkLoadMinRows + 5_000; i++)
        {
            var broken = i % 100 == 50;
            bad += broken ? 1 : 0;
            csv.Append($"Bulk{i - bad},{run},{(broken ? "not-an-address" : $"bulk{i - bad}.{run}@example.com")}\n");
        }
        return (csv.ToString(), SystemFixture.BulkLoadMinRows + 5_000 - bad, bad);
    }

    private async Task<List<string>> ContactIndexesAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.System.Postgres.ConnectionString(ResourceNames.ContactsDb));
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE tablename = 'contacts' ORDER BY 1", connection);
        var definitions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            definitions.Add(reader.GetString(0));
        }
        return definitions;
    }

    private static string Digits(string run) => ((Math.Abs(run.GetHashCode()) % 900) + 100).ToString();

    private Task<JsonElement> ImportAsync(string csv) => _api.ImportContactsAsync(Encoding.UTF8.GetBytes(csv), "text/csv");

    private async Task<List<(long Row, string Column, string Reason)>> ErrorReportAsync(JsonElement job)
    {
        var csv = await _api.GetStringAsync(job.GetProperty("errors").GetString(), Ct);
        using var reader = Sylvan.Data.Csv.CsvDataReader.Create(new StringReader(csv));
        var rows = new List<(long, string, string)>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        return rows;
    }
}
