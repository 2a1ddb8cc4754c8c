using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Gatehouse.Environment.Dms;
using Gatehouse.Environment.Sandbox;
using Gatehouse.Environment.Tests.PartnerApi;
using Gatehouse.Hosting.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Environment.Tests.Dms;

public static class DmsContent
{
    public static MultipartFormDataContent Upload(string fileName, byte[] bytes, string? tags = null, string claimedType = "application/octet-stream")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(claimedType);
        form.Add(file, "file", fileName);
        if (tags is not null)
        {
            form.Add(new StringContent(tags), "tags");
        }

        return form;
    }

    public static byte[] Docx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "[Content_Types].xml", "word/document.xml" })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write("<xml/>");
            }
        }

        return buffer.ToArray();
    }
}

public sealed class ContentSnifferTests
{
    public static TheoryData<string, byte[], string?> Cases => new()
    {
        { "a.pdf", SandboxGenerator.Pdf("x"), "application/pdf" },
        { "a.png", [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], "image/png" },
        { "a.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 1, 2], "image/jpeg" },
        { "a.docx", DmsContent.Docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        { "a.csv", "a,b\r\n1,2\r\n"u8.ToArray(), "text/csv" },
        { "a.txt", "héllo"u8.ToArray(), "text/plain" },
        { "invoice.pdf", [(byte)'M', (byte)'Z', 0x90, 0, 3, 0], null },
        { "a.pdf", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1], null },
        { "a.txt", [(byte)'a', 0, (byte)'b'], null },
        { "a.txt", [0xC3, 0x28], null },
        { "a.pdf", "just text"u8.ToArray(), null },
        { "a.exe", "just text"u8.ToArray(), null },
        { "a.xlsx", DmsContent.Docx(), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sniff_Content_DecidesTheTypeByBytes(string name, byte[] bytes, string? expected)
    {
        using var stream = new MemoryStream(bytes);

        var (type, refusal) = ContentSniffer.Sniff(stream, name);

        Assert.Equal(expected, type);
        Assert.Equal(expected is null, refusal is not null);
    }
}

public abstract class DmsTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Document_UploadListRetagDownloadDelete_RoundTripsByteIdentical()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        await using var world = await PartnerApiWorld.StartAsync(provider, time);
        var token = await world.UserTokenAsync(world.T1);
        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        var documents = $"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/dms/documents";
        var bytes = SandboxGenerator.Pdf("Minutes of the trustees' meeting");
        bytes = [.. bytes, .. RandomNumberGenerator.GetBytes(300_000)];

        var (upload, created) = await world.SendAsync(HttpMethod.Post, documents, token, DmsContent.Upload("minutes.pdf", bytes, "Minutes, 2026", "text/plain"));
        var data = created.GetProperty("Data");
        var id = data.GetProperty("Id").GetString();
        var (_, byTag) = await world.GetAsync(documents + "?tag=minutes", token);
        var (_, byDate) = await world.GetAsync(documents + "?from=2026-03-02&to=2026-03-02", token);
        var (_, before) = await world.GetAsync(documents + "?to=2026-03-01", token);
        using var download = await world.Env.GetWithTokenAsync($"{documents}/{id}/content", token);
        var downloaded = await download.Content.ReadAsByteArrayAsync();
        var (retag, retagged) = await world.SendAsync(HttpMethod.Put, $"{documents}/{id}/tags", token, PartnerApiWorld.Json("""{"Tags":["Audit","Minutes"]}"""));
        var (badRetag, badBody) = await world.SendAsync(HttpMethod.Put, $"{documents}/{id}/tags", token, PartnerApiWorld.Json("""{"Tags":[""]}"""));
        var (delete, _) = await world.SendAsync(HttpMethod.Delete, $"{documents}/{id}", token);
        var (gone, _) = await world.GetAsync($"{documents}/{id}", token);

        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.True(created.GetProperty("IsCreatedResponse").GetBoolean());
        Assert.EndsWith($"/dms/documents/{id}", created.GetProperty("CreatedUri").GetString(), StringComparison.Ordinal);
        Assert.Equal("application/pdf", data.GetProperty("ContentType").GetString());
        Assert.Equal("Unverified", data.GetProperty("Status").GetString());
        Assert.Equal(world.T1.ClientId, data.GetProperty("Source").GetProperty("App").GetString());
        Assert.False(string.IsNullOrEmpty(data.GetProperty("Source").GetProperty("User").GetString()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), data.GetProperty("Sha256").GetString());
        Assert.Equal([id], byTag.GetProperty("Data").EnumerateArray().Select(d => d.GetProperty("Id").GetString()));
        Assert.Equal([id], byDate.GetProperty("Data").EnumerateArray().Select(d => d.GetProperty("Id").GetString()));
        Assert.DoesNotContain(id, before.GetProperty("Data").EnumerateArray().Select(d => d.GetProperty("Id").GetString()));
        Assert.NotEmpty(before.GetProperty("Data").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes, downloaded);
        Assert.Equal(HttpStatusCode.OK, retag.StatusCode);
        Assert.Equal(["Audit", "Minutes"], retagged.GetProperty("Data").GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badRetag.StatusCode);
        Assert.NotEmpty(badBody.GetProperty("Errors").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Upload_21MegabytesOrARenamedExecutable_IsRefusedWithTheEnvelope()
    {
        await using var world = await PartnerApiWorld.StartAsync(provider);
        var token = await world.AppTokenAsync(world.T1);
        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        var documents = $"/api/1.0/f/{world.T1.Sandbox.BusinessCode}/{fund}/dms/documents";
        var tooBig = new byte[21 * 1024 * 1024];
        "%PDF-1.4\n"u8.CopyTo(tooBig);
        byte[] exe = [(byte)'M', (byte)'Z', 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00];

        var (big, bigBody) = await world.SendAsync(HttpMethod.Post, documents, token, DmsContent.Upload("big.pdf", tooBig));
        var (renamed, renamedBody) = await world.SendAsync(HttpMethod.Post, documents, token, DmsContent.Upload("invoice.pdf", exe, claimedType: "application/pdf"));
        var (empty, _) = await world.SendAsync(HttpMethod.Post, documents, token, DmsContent.Upload("empty.txt", []));
        var count = (await world.DocumentIdsAsync(world.T1, fund, token)).Count;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal("PAYLOAD_TOO_LARGE", PartnerApiWorld.ErrorCode(bigBody));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, renamed.StatusCode);
        Assert.Contains("Executable", renamedBody.GetProperty("Errors")[0].GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(3, count);
    }
}

public sealed class SqliteDmsTests() : DmsTests(DatabaseProvider.Sqlite);

public sealed class PostgresDmsTests() : DmsTests(DatabaseProvider.Postgres);
