using System.Net;
using Gatehouse.Environment.Data;
using Gatehouse.Environment.Users;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Validation;

namespace Gatehouse.Environment.Authorization;

public static class AuthorizationRegistration
{
    /// <summary>Class users (Identity), the OpenIddict server (token, discovery, JWKS) and token validation for the Class APIs.</summary>
    public static IServiceCollection AddEnvironmentAuthorization(this IServiceCollection services, Uri issuer)
    {
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
            .AddSignInManager();

        services.AddOpenIddict()
            .AddCore(o =>
            {
                o.UseEntityFrameworkCore().UseDbContext<EnvironmentDbContext>();
                o.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, ClassApplicationManager>();
            })
            .AddServer(o =>
            {
                // ADR 0002: never derive the issuer from the Host header.
                o.SetIssuer(issuer);
                o.SetTokenEndpointUris("connect/token");
                o.AllowPasswordFlow().AllowClientCredentialsFlow().AllowRefreshTokenFlow();
                o.SetAccessTokenLifetime(TimeSpan.FromMinutes(15));
                o.SetRefreshTokenLifetime(TimeSpan.FromDays(30));

                // RFC 9068: access tokens are signed JWTs that resource servers can read.
                o.DisableAccessTokenEncryption();
                o.RegisterScopes([.. ClassScopes.All]);
                o.AddEventHandler(TargetScopeHandler.Descriptor);
                o.AddEventHandler(ScopePermissionHandler.Descriptor);
                o.AddEventHandler(IssuerBasedEndpointsHandler.Descriptor);

                var aspNetCore = o.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (IsLoopbackHttp(issuer))
                {
                    // Plain http only for a loopback issuer (local runs and tests); anything else needs TLS.
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
                o.AddAudiences(ClassScopes.Resource);

                // A revoked token (client deleted, access withdrawn) must stop working now, not at expiry.
                o.EnableTokenEntryValidation();
            });

        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, EnvironmentKeyLoader>();
        services.AddOptions<OpenIddictServerOptions>().Configure<TimeProvider>((o, time) => o.TimeProvider = time);
        services.AddOptions<OpenIddictValidationOptions>().Configure<TimeProvider>((o, time) => o.TimeProvider = time);
        services.AddOptions<OpenIddictCoreOptions>().Configure<TimeProvider>((o, time) => o.TimeProvider = time);
        return services;
    }

    private static bool IsLoopbackHttp(Uri issuer) =>
        issuer.Scheme == Uri.UriSchemeHttp
        && (string.Equals(issuer.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(issuer.Host, out var address) && IPAddress.IsLoopback(address)));
}
