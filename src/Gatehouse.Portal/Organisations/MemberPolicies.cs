using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Portal.Organisations;

/// <summary>
/// Who may open which pages, set once per folder instead of in every handler: the app pages need a
/// member of an organisation, the admin console a platform admin. The answers stay what the pages
/// gave by hand: no membership is a challenge (to sign in), not being a platform admin is a 404
/// (the console does not exist for them), never a 403 that would confirm it does.
/// </summary>
public static class MemberPolicies
{
    public const string Member = "Member";
    public const string PlatformAdmin = "PlatformAdmin";

    public static IServiceCollection AddCurrentMember(this IServiceCollection services)
    {
        services.AddScoped<CurrentMember>();
        services.AddScoped<IAuthorizationHandler, MemberHandler>();
        services.AddScoped<IAuthorizationHandler, PlatformAdminHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, MemberResultHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Member, p => p.AddRequirements(new MemberRequirement()))
            .AddPolicy(PlatformAdmin, p => p.AddRequirements(new PlatformAdminRequirement()));
        services.Configure<RazorPagesOptions>(o =>
        {
            o.Conventions.AuthorizeFolder("/Apps", Member);
            o.Conventions.AuthorizeFolder("/Sandbox", Member);
            o.Conventions.AuthorizePage("/ManagementApi/Tokens", Member);
            o.Conventions.AuthorizePage("/Usage/AppUsage", Member);
            o.Conventions.AuthorizeFolder("/Approvals", PlatformAdmin);
            o.Conventions.AuthorizeFolder("/ClassDirectory", PlatformAdmin);
            o.Conventions.AuthorizeFolder("/SigningKeys", PlatformAdmin);
            o.Conventions.AuthorizePage("/Usage/AdminUsage", PlatformAdmin);
        });
        return services;
    }

    private sealed class MemberRequirement : IAuthorizationRequirement;

    private sealed class PlatformAdminRequirement : IAuthorizationRequirement;

    private sealed class MemberHandler(CurrentMember current) : AuthorizationHandler<MemberRequirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, MemberRequirement requirement)
        {
            if (await current.FindAsync(context.User, Aborted(context)) is not null)
            {
                context.Succeed(requirement);
            }
        }
    }

    private sealed class PlatformAdminHandler(CurrentMember current) : AuthorizationHandler<PlatformAdminRequirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformAdminRequirement requirement)
        {
            if (await current.FindAdminAsync(context.User, Aborted(context)) is not null)
            {
                context.Succeed(requirement);
            }
        }
    }

    /// <summary>
    /// A missing membership challenges and a missing platform admin is a 404, signed in or not; a page
    /// that also asks for a signed-in user ([Authorize]) still challenges an anonymous visitor first.
    /// </summary>
    private sealed class MemberResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler standard = new();

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
            if (authorizeResult.Succeeded || failed.OfType<DenyAnonymousAuthorizationRequirement>().Any())
            {
                return standard.HandleAsync(next, context, policy, authorizeResult);
            }

            if (failed.OfType<PlatformAdminRequirement>().Any())
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return failed.OfType<MemberRequirement>().Any()
                ? context.ChallengeAsync()
                : standard.HandleAsync(next, context, policy, authorizeResult);
        }
    }

    private static CancellationToken Aborted(AuthorizationHandlerContext context) =>
        context.Resource is HttpContext http ? http.RequestAborted : CancellationToken.None;
}
