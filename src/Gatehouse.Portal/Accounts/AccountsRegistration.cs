using Gatehouse.Portal.Data;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Gatehouse.Portal.Accounts;

public static class AccountsRegistration
{
    /// <summary>
    /// The cookie rule (ADR 0004): on an https portal every cookie is <c>__Host-</c> prefixed and Secure;
    /// on plain http (local runs, tests on 127.0.0.1) the prefix is impossible, so the names drop it.
    /// </summary>
    public static string CookieName(string portalUrl, string name) =>
        portalUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "__Host-" + name : name;

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration, PortalOptions portal)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName)).ValidateOnStart();
        services.AddOptions<SessionTimeoutOptions>().Bind(configuration.GetSection(SessionTimeoutOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BreachedPasswordOptions>().Bind(configuration.GetSection(BreachedPasswordOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        // Typed client: the validator is resolved per use, the handler pooled by the factory.
        services.AddHttpClient<BreachedPasswordCheck>();
        services.AddOptions<PasswordHashingOptions>().Bind(configuration.GetSection(PasswordHashingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        var timeouts = configuration.GetSection(SessionTimeoutOptions.SectionName).Get<SessionTimeoutOptions>() ?? new SessionTimeoutOptions();
        var limits = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        AccountRateLimits.Register(services, limits);
        services.AddSingleton<AccountRateLimits>();
        services.AddScoped<DeveloperSessions>();
        services.AddScoped<Mfa>();
        services.AddScoped<SignInFlow>();
        services.AddScoped<MfaPolicyFilter>();
        services.Configure<MvcOptions>(o =>
        {
            o.Filters.AddService<MfaPolicyFilter>();
            o.Filters.Add<AntiforgeryFailureFilter>();
        });
        services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Organisations");
            o.Conventions.AuthorizeFolder("/Audit");
            o.Conventions.AuthorizePage("/Accounts/Mfa");
            o.Conventions.AuthorizePage("/Accounts/Sessions");
            o.Conventions.AuthorizePage("/Accounts/Security");
        });

        services.AddIdentity<Developer, IdentityRole<Guid>>(o =>
            {
                o.SignIn.RequireConfirmedEmail = true;
                o.User.RequireUniqueEmail = true;
                // The user name is the email address, already validated: any character it holds is fine.
                o.User.AllowedUserNameCharacters = "";
                // ASVS 6.2: length, not composition; common and breached ones refused by PasswordPolicy.
                o.Password.RequiredLength = AccountRules.MinimumPasswordLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                // One counter for wrong passwords and wrong MFA codes, on every path (ASVS 6.3.1, 6.3.4).
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<PortalDbContext>()
            // Lockout on the injected clock (Identity's own reads the system clock).
            .AddUserManager<DeveloperManager>()
            .AddDefaultTokenProviders()
            // Replaces the default (link) provider: same tokens, but expiry on the injected clock.
            .AddTokenProvider<LinkTokenProvider>(TokenOptions.DefaultProvider)
            .AddPasswordValidator<PasswordPolicy>();
        // After the list: the opt-in breach API check (off unless Portal:PasswordBreachCheck:RangeUrl is set).
        services.AddScoped<IPasswordValidator<Developer>>(sp => sp.GetRequiredService<BreachedPasswordCheck>());
        services.AddOptions<PasswordHasherOptions>().Configure<IOptions<PasswordHashingOptions>>((o, hashing) => o.IterationCount = hashing.Value.Iterations);
        // Identity's security-stamp check on the injected clock too (the cookie handler takes it from DI itself).
        services.AddOptions<SecurityStampValidatorOptions>().Configure<TimeProvider>((o, clock) => o.TimeProvider = clock);
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = AccountRules.VerificationLinkLifetime);
        // Keep the session claim when Identity refreshes the principal after its security-stamp check.
        services.Configure<SecurityStampValidatorOptions>(o => o.OnRefreshingPrincipal = context =>
        {
            foreach (var claim in context.CurrentPrincipal?.FindAll(c => c.Type is DeveloperSessions.SessionClaim or "amr") ?? [])
            {
                context.NewPrincipal?.Identities.First().AddClaim(new System.Security.Claims.Claim(claim.Type, claim.Value));
            }

            return Task.CompletedTask;
        });

        var https = portal.Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var secure = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = CookieName(portal.Url, "gatehouse");
            o.Cookie.Path = "/";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = secure;
            // Lax: the verification and reset links arrive from a mail client (a cross-site GET).
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/sign-in";
            o.LogoutPath = "/account/sign-out";
            o.AccessDeniedPath = "/account/access-denied";
            // Absolute lifetime: no sliding, the session ends 8 hours (configurable) after sign-in
            // (ASVS 7.3.2); the session row enforces it and the idle timeout too (DeveloperSessions).
            o.ExpireTimeSpan = timeouts.AbsoluteTimeout;
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = DeveloperSessions.ValidatePrincipalAsync;
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o =>
        {
            o.Cookie.Name = CookieName(portal.Url, "gatehouse-mfa");
            o.Cookie.Path = "/";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        services.Configure<CookieAuthenticationOptions>(IdentityConstants.ExternalScheme, o =>
        {
            o.Cookie.Name = CookieName(portal.Url, "gatehouse-ext");
            o.Cookie.SecurePolicy = secure;
        });
        services.Configure<AntiforgeryOptions>(o =>
        {
            o.Cookie.Name = CookieName(portal.Url, "gatehouse-af");
            o.Cookie.Path = "/";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = secure;
            o.Cookie.SameSite = SameSiteMode.Strict;
        });
        return services;
    }
}
