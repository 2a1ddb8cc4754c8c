using System.Net;
using Gatehouse.Environment.Connections;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Users;
using Gatehouse.Hosting.Contracts;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Environment.Authorization;

public static class AuthorizationRegistration
{
    /// <summary>Class users (Identity, cookie login with TOTP), the OpenIddict server and token validation for the Class APIs.</summary>
    public static IServiceCollection AddEnvironmentAuthorization(this IServiceCollection services, Uri issuer, string environmentKey, EnvironmentEndpoint environment)
    {
        services.AddOptions<AuthorizationServerOptions>()
            .BindConfiguration($"{EnvironmentEndpoint.SectionName}:{environmentKey}:{AuthorizationServerOptions.SectionName}")
            .PostConfigure(o => o.RequireMfa ??= !environment.IsSandbox)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddIdentityCore<ClassUser>(o =>
            {
                // The password grant shares this lockout with the login page (guide step 3).
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);

                // ASVS 6.2.1/6.2.5: length, not composition rules.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<EnvironmentDbContext>()
            .AddSignInManager()
            // MF2: a TOTP code works once (Identity's own provider accepts it again inside its window).
            .AddTokenProvider<Account.ReplayProtectedAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);

        // The Class user's browser session: a cookie of this environment only (environments share a
        // host name in local runs, so the name carries the environment key). Separate from OpenIddict.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddIdentityCookies(cookies =>
            {
                cookies.ApplicationCookie?.Configure(o =>
                {
                    o.Cookie.Name = $"gatehouse.{environmentKey}.session";
                    o.Cookie.HttpOnly = true;
                    o.Cookie.SameSite = SameSiteMode.Lax;
                    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.LoginPath = "/account/login";
                    o.LogoutPath = "/account/logout";
                    o.AccessDeniedPath = "/account/login";
                    o.ExpireTimeSpan = TimeSpan.FromHours(8);
                    o.SlidingExpiration = false;
                });
                cookies.TwoFactorUserIdCookie?.Configure(o =>
                {
                    o.Cookie.Name = $"gatehouse.{environmentKey}.mfa";
                    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                });
                cookies.ExternalCookie?.Configure(o => o.Cookie.Name = $"gatehouse.{environmentKey}.external");
                cookies.TwoFactorRememberMeCookie?.Configure(o => o.Cookie.Name = $"gatehouse.{environmentKey}.remember");
            });

        // ASVS 7.4.1: a password change or disable (new security stamp) ends cookie sessions promptly.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAuthorization();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = $"gatehouse.{environmentKey}.antiforgery";
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<EnvironmentDbContext>();
                o.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, ClassApplicationManager>();
                o.ReplaceTokenManager<OpenIddictEntityFrameworkCoreToken, StoreFailureTokenManager>();
                o.ReplaceAuthorizationManager<OpenIddictEntityFrameworkCoreAuthorization, StoreFailureAuthorizationManager>();
            })
            .AddServer(o =>
            {
                // ADR 0002: never derive the issuer from the Host header.
                o.SetIssuer(issuer);
                o.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetIntrospectionEndpointUris("connect/introspect")
                    .SetRevocationEndpointUris("connect/revoke")
                    .SetUserInfoEndpointUris("connect/userinfo")
                    .SetEndSessionEndpointUris("connect/endsession");
                o.AllowAuthorizationCodeFlow().AllowPasswordFlow().AllowClientCredentialsFlow().AllowRefreshTokenFlow();

                // RFC 9700 §2.1.1, ASVS 10.4.6: PKCE for every code flow, S256 only (plain is removed
                // below so discovery lists ["S256"] and plain/omitted methods are refused).
                o.RequireProofKeyForCodeExchange();
                o.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                o.SetAccessTokenLifetime(TimeSpan.FromMinutes(15));
                o.SetRefreshTokenLifetime(ClassPrincipalFactory.RefreshTokenLifetime);
                o.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2));

                // ASVS 10.4.8: the 30-day refresh lifetime is absolute; rotation does not extend it.
                o.DisableSlidingRefreshTokenExpiration();

                // RFC 9068: access tokens are signed JWTs that resource servers can read.
                o.DisableAccessTokenEncryption();
                o.RegisterScopes([.. ClassScopes.All]);
                o.AddEventHandler(TargetScopeHandler.Descriptor);
                o.AddEventHandler(TargetScopeHandler.AuthorizationDescriptor);
                o.AddEventHandler(ScopePermissionHandler.Descriptor);
                o.AddEventHandler(ScopePermissionHandler.AuthorizationDescriptor);
                o.AddEventHandler(IssuerBasedEndpointsHandler.Descriptor);
                o.AddEventHandler(RefreshTokenLineageHandler.Descriptor);
                o.AddEventHandler(RefreshTokenParentHandler.Descriptor);
                o.AddEventHandler(CodeVerifierFormatHandler.Descriptor);
                o.AddEventHandler(ResponseModeHandler.Descriptor);
                o.AddEventHandler(RevokeGrantHandler.Descriptor);
                o.AddEventHandler(IntrospectionScopeHandler.Descriptor);
                o.AddEventHandler(EnvironmentAudienceHandler.Descriptor);
                o.AddEventHandler(PkceChallengeFormatHandler.Descriptor);
                o.AddEventHandler(QueryAccessTokenHandler.Descriptor);
                foreach (var descriptor in BasicCredentialsHandler.Descriptors)
                {
                    o.AddEventHandler(descriptor);
                }

                var aspNetCore = o.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableErrorPassthrough();
                if (IsLoopbackHttp(issuer))
                {
                    // Plain http only for a loopback issuer (local runs and tests); anything else needs TLS.
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();

                // DK6 (OAuth 2.1 §5.2): resource servers ignore access tokens in the query string.
                o.UseAspNetCore().DisableAccessTokenExtractionFromQueryString();
                // EN1: only this environment's audience, not the shared "class-api" (ADR 0012).
                o.AddAudiences(EnvironmentAudienceHandler.For(issuer));

                // A revoked token (client deleted, access withdrawn) must stop working now, not at expiry.
                o.EnableTokenEntryValidation();
                o.EnableAuthorizationEntryValidation();
            });

        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, EnvironmentKeyLoader>();
        services.AddSigningKeyRotation();
        services.AddOptions<OpenIddictServerOptions>().Configure<IOptions<AuthorizationServerOptions>>(
            (o, policy) => o.RefreshTokenReuseLeeway = policy.Value.RefreshTokenRetryGrace);
        services.AddOptions<OpenIddictServerOptions>().Configure<TimeProvider>((o, time) => o.TimeProvider = time);
        services.AddOptions<OpenIddictValidationOptions>().Configure<TimeProvider>((o, time) => o.TimeProvider = time);
        services.AddOptions<OpenIddictCoreOptions>().Configure<TimeProvider>((o, time) => o.TimeProvider = time);
        services.AddScoped<ConnectionStore>();
        services.AddTransportSecurity(environmentKey, environment);
        return services;
    }

    private static bool IsLoopbackHttp(Uri issuer) =>
        issuer.Scheme == Uri.UriSchemeHttp
        && (string.Equals(issuer.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(issuer.Host, out var address) && IPAddress.IsLoopback(address)));
}
