namespace Gatehouse.Hosting.Contracts;

// Class businesses and Class users of an environment, pushed through the admin API (tests, demos,
// and later the portal). Idempotent PUTs of desired state, like the client contract.

public static class ClassDirectoryApi
{
    public static string Business(string code) => $"{EnvironmentAdminApi.BasePath}/businesses/{Uri.EscapeDataString(code)}";

    public static string User(string userName) => $"{EnvironmentAdminApi.BasePath}/users/{Uri.EscapeDataString(userName)}";

    /// <summary>GET: every business (BusinessView[]).</summary>
    public static string Businesses => $"{EnvironmentAdminApi.BasePath}/businesses";

    /// <summary>GET: every Class user (ClassUserView[]).</summary>
    public static string Users => $"{EnvironmentAdminApi.BasePath}/users";
}

/// <summary>Roles a Class user holds in a business. Only some may grant a Partner app access (consent).</summary>
public static class ClassRoles
{
    public const string Administrator = "Administrator";
    public const string AccessController = "Access Controller";
    public const string Staff = "Staff";
    public const string ApiUser = "API User";

    public static readonly IReadOnlyList<string> All = [Administrator, AccessController, Staff, ApiUser];

    /// <summary>The roles whose holders may connect a Partner app to the business.</summary>
    public static bool MayGrantAppAccess(string role) => role is Administrator or AccessController;
}

/// <summary>PUT <c>/admin/v1/businesses/{code}</c>. A null Abn or Brands leaves them as they are; Brands replace the set.</summary>
public sealed record BusinessRequest(string Name, string? Abn = null, IReadOnlyList<BrandRequest>? Brands = null);

public sealed record BrandRequest(string Code, string Name);

/// <summary>GET <c>/admin/v1/businesses[/{code}]</c>.</summary>
public sealed record BusinessView(string Code, string Name, string? Abn, bool IsSandbox, IReadOnlyList<BrandRequest> Brands);

public sealed record BusinessSaved(string Code, string Name);

/// <summary>PUT <c>/admin/v1/users/{userName}</c>: the user, its password and its memberships (replaced as a whole).</summary>
/// <param name="Password">
/// The password to set; null keeps an existing user's password, and for a new user has the environment
/// generate one, returned once in <see cref="ClassUserSaved.InitialPassword"/> and stored only as a hash.
/// </param>
/// <param name="AuthenticatorKey">Base32 TOTP key to enrol (tests and demos); null leaves MFA as it is, "" removes it.</param>
public sealed record ClassUserRequest(
    string Email,
    string? Password,
    IReadOnlyList<MembershipRequest> Memberships,
    bool Disabled = false,
    string? AuthenticatorKey = null,
    string? DisplayName = null);

public sealed record MembershipRequest(string BusinessCode, string Role, bool IsApiUser);

public sealed record ClassUserSaved(Guid Id, string UserName, bool MfaEnrolled, IReadOnlyList<MembershipRequest> Memberships, string? InitialPassword = null);

/// <summary>GET <c>/admin/v1/users[/{userName}]</c>: never a password or an authenticator key.</summary>
public sealed record ClassUserView(string UserName, string Email, string DisplayName, bool Disabled, bool MfaEnrolled, IReadOnlyList<MembershipRequest> Memberships);
