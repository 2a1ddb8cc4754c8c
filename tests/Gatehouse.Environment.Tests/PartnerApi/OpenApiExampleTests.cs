using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Environment.PartnerApi;
using Gatehouse.Hosting.Database;
using Json.Schema;

namespace Gatehouse.Environment.Tests.PartnerApi;

/// <summary>
/// Issue 6 follow-up: every operation of both OpenAPI documents carries examples (request body and
/// every answer), each example is valid against its schema with no property the schema does not
/// name (JSON Schema 2020-12, JsonSchema.Net), and the examples have the shape of the sandbox's real
/// answers, which are themselves valid against the documented schemas.
/// </summary>
public sealed class OpenApiExampleTests
{
    private static readonly string[] Methods = ["get", "post", "put", "delete", "patch"];

    [Theory]
    [InlineData(ClassProducts.PartnerApi)]
    [InlineData(ClassProducts.Dms)]
    public async Task Document_EveryOperation_HasExamplesValidAgainstTheirSchemas(string product)
    {
        await using var env = await EnvironmentUnderTest.StartAsync(DatabaseProvider.Sqlite);
        var document = await DocumentAsync(env, product);
        var failures = new List<string>();
        var checkedExamples = 0;

        foreach (var (name, operation) in OperationsOf(document))
        {
            if (operation["requestBody"] is JsonObject body)
            {
                foreach (var (mediaType, media) in body["content"]!.AsObject())
                {
                    checkedExamples += Check(document, $"{name} request {mediaType}", media!, failures);
                }
            }

            var responses = operation["responses"]!.AsObject();
            foreach (var status in new[] { "200", "401", "403", "404", "429" })
            {
                if (!responses.ContainsKey(status))
                {
                    failures.Add($"{name}: no {status} answer documented");
                }
            }

            foreach (var (status, response) in responses)
            {
                foreach (var (mediaType, media) in response!["content"]?.AsObject() ?? [])
                {
                    checkedExamples += Check(document, $"{name} {status} {mediaType}", media!, failures);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(checkedExamples > 20, $"only {checkedExamples} examples checked");
    }

    [Fact]
    public async Task Examples_EveryOperation_HaveTheShapeOfTheSandboxsRealAnswers()
    {
        await using var world = await PartnerApiWorld.StartAsync(DatabaseProvider.Sqlite);
        var documents = new Dictionary<string, JsonObject>
        {
            [ClassProducts.PartnerApi] = await DocumentAsync(world.Env, ClassProducts.PartnerApi),
            [ClassProducts.Dms] = await DocumentAsync(world.Env, ClassProducts.Dms),
        };
        var token = await world.UserTokenAsync(world.T1);
        var t2 = await world.UserTokenAsync(world.T2);
        var fundOnly = await world.UserTokenAsync(world.T1, "fund.maintain business.fund.list");
        var dmsOnly = await world.UserTokenAsync(world.T1, "dms.documents.write");
        var b = world.T1.Sandbox.BusinessCode;
        var fund = (await world.FundCodesAsync(world.T1, token))[0];
        var member = (await world.MemberIdsAsync(world.T1, fund, token))[0];
        var documentId = (await world.DocumentIdsAsync(world.T1, fund, token))[0];
        var t2Fund = (await world.FundCodesAsync(world.T2, t2))[0];
        var failures = new List<string>();

        foreach (var operation in Operations.All)
        {
            var document = documents[operation.Scope.StartsWith("dms.", StringComparison.Ordinal) ? ClassProducts.Dms : ClassProducts.PartnerApi];
            var described = document["paths"]!["/api/1.0" + operation.Template]![operation.Method.ToLowerInvariant()]!;

            // Wrong business (404), no scope (403), no token (401): the documented examples are the real bodies.
            foreach (var (status, path, bearer) in new[]
            {
                (404, operation.Path(world.T2.Sandbox.BusinessCode, t2Fund, member, documentId), token),
                (403, operation.Path(b, fund, member, documentId), operation.Scope.StartsWith("dms.", StringComparison.Ordinal) ? fundOnly : dmsOnly),
                (401, operation.Path(b, fund, member, documentId), (string?)null),
            })
            {
                var (response, body) = await world.SendAsync(new HttpMethod(operation.Method), path, bearer, operation.Body());
                var example = described["responses"]![status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!["content"]!["application/json"]!["example"]!;
                if ((int)response.StatusCode != status || !JsonNode.DeepEquals(JsonNode.Parse(body.GetRawText()), example))
                {
                    failures.Add($"{operation} {status}: real {(int)response.StatusCode} {body.GetRawText()} vs example {example.ToJsonString()}");
                }
            }

            var (ok, okBody) = await world.SendAsync(new HttpMethod(operation.Method), operation.Path(b, fund, member, documentId), token, operation.Body());
            if (ok.StatusCode != HttpStatusCode.OK)
            {
                failures.Add($"{operation}: {ok.StatusCode}");
                continue;
            }

            var content = described["responses"]!["200"]!["content"]!.AsObject();
            if (content["application/json"] is not { } media)
            {
                // The download: bytes, not JSON, in the document's own type; byte identity is DmsTests' job.
                Assert.Contains(ok.Content.Headers.ContentType!.MediaType!, content.Select(c => c.Key));
                continue;
            }

            var real = JsonNode.Parse(okBody.GetRawText())!;
            var exampleShape = Shape(media!["example"]!);
            var realShape = Shape(real);
            var missing = realShape.Paths.Except(exampleShape.Paths).Where(p => !exampleShape.EmptyArrays.Any(a => p.StartsWith(a, StringComparison.Ordinal))).ToList();
            var extra = exampleShape.Paths.Except(realShape.Paths).Where(p => !realShape.EmptyArrays.Any(a => p.StartsWith(a, StringComparison.Ordinal))).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                failures.Add($"{operation}: real answer has [{string.Join(", ", missing)}] the example lacks; the example has [{string.Join(", ", extra)}] the real answer lacks");
            }

            var errors = Validate(document, media["schema"]!, real);
            if (errors is not null)
            {
                failures.Add($"{operation}: the real answer does not match the documented schema: {errors}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<JsonObject> DocumentAsync(EnvironmentUnderTest env, string product)
    {
        using var response = await env.Http.GetAsync($"/openapi/{product}.json");
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static IEnumerable<(string Name, JsonObject Operation)> OperationsOf(JsonObject document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(op => Methods.Contains(op.Key))
            .Select(op => ($"{op.Key.ToUpperInvariant()} {path.Key}", op.Value!.AsObject())));

    private static int Check(JsonObject document, string name, JsonNode media, List<string> failures)
    {
        if (media["example"] is not { } example)
        {
            failures.Add($"{name}: no example");
            return 0;
        }

        if (media["schema"] is { } schema && Validate(document, schema, example) is { } errors)
        {
            failures.Add($"{name}: example does not match its schema: {errors}");
        }

        return 1;
    }

    /// <summary>
    /// Validates <paramref name="instance"/> against an OpenAPI 3.1 schema (JSON Schema 2020-12), with
    /// the document's components as <c>$defs</c> and every object closed (no property the schema does not name).
    /// </summary>
    private static string? Validate(JsonObject document, JsonNode schema, JsonNode instance)
    {
        var definitions = document["components"]?["schemas"]?.DeepClone().AsObject() ?? [];
        foreach (var (_, definition) in definitions)
        {
            Close(definition);
        }

        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = definitions,
            ["allOf"] = new JsonArray(Close(schema.DeepClone())),
        };
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        var results = JsonSchema.FromText(text).Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return results.IsValid
            ? null
            : string.Join("; ", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Take(5)
                .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
    }

    /// <summary>additionalProperties: false on every object schema that lists its properties.</summary>
    private static JsonNode? Close(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["properties"] is JsonObject && !o.ContainsKey("additionalProperties"))
                {
                    o["additionalProperties"] = false;
                }

                foreach (var (_, child) in o.ToList())
                {
                    Close(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Close(child);
                }

                break;
        }

        return node;
    }

    private sealed record JsonShape(HashSet<string> Paths, List<string> EmptyArrays);

    /// <summary>Every property path ("Data[].FundSummaries[].Link.Id"), arrays' elements merged; and where arrays are empty.</summary>
    private static JsonShape Shape(JsonNode node)
    {
        var shape = new JsonShape([], []);
        void Walk(JsonNode? n, string path)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, child) in o)
                    {
                        shape.Paths.Add($"{path}.{key}");
                        Walk(child, $"{path}.{key}");
                    }

                    break;
                case JsonArray a:
                    if (a.Count == 0)
                    {
                        shape.EmptyArrays.Add(path + "[]");
                    }

                    foreach (var child in a)
                    {
                        Walk(child, path + "[]");
                    }

                    break;
            }
        }

        Walk(node, "$");
        return shape;
    }
}
