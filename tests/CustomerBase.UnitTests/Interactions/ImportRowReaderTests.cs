using System.Text;
using CustomerBase.Interactions.Model;

namespace CustomerBase.UnitTests.Interactions;

/// <summary>JSON lines read from UTF-8 bytes: line endings, byte order marks, blank and broken lines, long lines.</summary>
public sealed class ImportRowReaderTests
{
    private static readonly Guid Contact = Guid.Parse("0b0e9d8a-6f1c-4b8e-9a7e-3c7d1e5f2a10");

    private static string Note(string text) => $$"""{"contactId":"{{Contact}}","kind":"note","note":"{{text}}"}""";

    private static async Task<List<ImportRow>> ReadAsync(byte[] file)
    {
        var rows = new List<ImportRow>();
        await foreach (var row in ImportRowReader.ReadAsync(new MemoryStream(file), ImportRowReader.JsonLines, TestContext.Current.CancellationToken))
        {
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task LinesAreNumberedAsInTheFileWithBlankOnesSkippedAndTheLastOneWithoutANewline()
    {
        var file = Encoding.UTF8.GetBytes(Note("one") + "\r\n\r\n   \n" + Note("zażółć 🍵") + "\n" + Note("three"));

        var rows = await ReadAsync(file);

        Assert.Equal([1L, 4L, 5L], rows.Select(r => r.Number));
        Assert.Equal(["one", "zażółć 🍵", "three"], rows.Select(r => r.Request!.Note));
        Assert.All(rows, r => Assert.Equal(Contact, r.Request!.ContactId));
    }

    [Fact]
    public async Task ALineThatIsNotValidUtf8OrNotJsonIsReportedAndTheOthersRead()
    {
        byte[] broken = [.. "{\"contactId\":\""u8, 0xC3, 0x28, .. "\",\"kind\":\"note\"}"u8];
        var file = (byte[])[.. Encoding.UTF8.GetBytes(Note("before") + "\n"), .. broken, (byte)'\n', .. "{not json\n"u8, .. Encoding.UTF8.GetBytes(Note("after"))];

        var rows = await ReadAsync(file);

        Assert.Equal([1L, 2L, 3L, 4L], rows.Select(r => r.Number));
        Assert.Equal([false, true, true, false], rows.Select(r => r.Request is null));
        Assert.Equal("after", rows[3].Request!.Note);
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public async Task AFileWithAByteOrderMarkIsReadInItsEncoding(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var file = (byte[])[.. encoding.GetPreamble(), .. encoding.GetBytes(Note("ü") + "\n" + Note("ß") + "\n")];

        var rows = await ReadAsync(file);

        Assert.Equal(["ü", "ß"], rows.Select(r => r.Request!.Note));
    }

    [Fact]
    public async Task LinesLongerThanTheReadBufferAreReadWhole()
    {
        // Notes of 40-100 KB: lines that cross the 64 KB buffers the file is read in.
        var notes = new[] { 40_000, 100_000, 70_000 }.Select(n => new string('x', n - 1) + "y").ToArray();
        var file = Encoding.UTF8.GetBytes(string.Join("\n", notes.Select(Note)));

        var rows = await ReadAsync(file);

        Assert.Equal(notes, rows.Select(r => r.Request!.Note));
    }
}
