using System.Collections.Immutable;
using System.Text.Json;
using OpenIddict.Abstractions;

namespace Gatehouse.Environment.Authorization;

/// <summary>What the portal tells an environment about an app, kept in the OpenIddict application's Properties.</summary>
/// <param name="Revision">The portal's revision of the desired state applied last (ADR 0022); 0 for one stored before revisions.</param>
public sealed record ClientProperties(string AppType, Guid OrganisationId, string OrganisationName, string? BusinessCode, string? LogoDataUri = null, IReadOnlyList<string>? ResponseModes = null, long Revision = 0)
{
    /// <summary>The response modes a client may use besides query (AZ14): <c>form_post</c>, <c>fragment</c>.</summary>
    public static readonly IReadOnlyList<string> OptionalResponseModes = ["form_post", "fragment"];

    private const string RevisionKey = "gatehouse_revision";
    private const string LogoKey = "gatehouse_logo";
    private const string AppTypeKey = "gatehouse_app_type";
    private const string OrganisationIdKey = "gatehouse_organisation_id";
    private const string OrganisationNameKey = "gatehouse_organisation_name";
    private const string BusinessCodeKey = "gatehouse_business_code";
    private const string ResponseModesKey = "gatehouse_response_modes";

    public void WriteTo(OpenIddictApplicationDescriptor descriptor)
    {
        descriptor.Properties[AppTypeKey] = JsonSerializer.SerializeToElement(AppType);
        descriptor.Properties[OrganisationIdKey] = JsonSerializer.SerializeToElement(OrganisationId);
        descriptor.Properties[OrganisationNameKey] = JsonSerializer.SerializeToElement(OrganisationName);
        descriptor.Properties[BusinessCodeKey] = JsonSerializer.SerializeToElement(BusinessCode);
        descriptor.Properties[LogoKey] = JsonSerializer.SerializeToElement(LogoDataUri);
        descriptor.Properties[ResponseModesKey] = JsonSerializer.SerializeToElement(ResponseModes ?? []);
        descriptor.Properties[RevisionKey] = JsonSerializer.SerializeToElement(Revision);
    }

    /// <summary>The revision applied last to <paramref name="application"/> (0 when none was recorded).</summary>
    public static async Task<long> RevisionAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken) =>
        (await applications.GetPropertiesAsync(application, cancellationToken)).TryGetValue(RevisionKey, out var value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var revision) ? revision : 0;

    public static async Task<ClientProperties?> ReadAsync(IOpenIddictApplicationManager applications, string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return null;
        }

        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return new ClientProperties(
            String(properties, AppTypeKey) ?? "",
            Guid.TryParse(String(properties, OrganisationIdKey), out var organisationId) ? organisationId : Guid.Empty,
            String(properties, OrganisationNameKey) ?? "",
            String(properties, BusinessCodeKey),
            String(properties, LogoKey),
            properties.TryGetValue(ResponseModesKey, out var modes) && modes.ValueKind == JsonValueKind.Array
                ? [.. modes.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!)]
                : null,
            properties.TryGetValue(RevisionKey, out var revision) && revision.ValueKind == JsonValueKind.Number ? revision.GetInt64() : 0);
    }

    private static string? String(ImmutableDictionary<string, JsonElement> properties, string key) =>
        properties.TryGetValue(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
