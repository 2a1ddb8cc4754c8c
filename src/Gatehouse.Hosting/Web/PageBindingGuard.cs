using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Gatehouse.Hosting.Web;

/// <summary>
/// ADR 0023, docs/security-checklist.md BI5: binding problems stop before a page handler runs. A
/// required route value that binds to nothing (blank, only spaces) is a page that does not exist:
/// 404. A handler parameter the code declares non-nullable that binds to nothing (a blank form
/// field) is a bad request: 400. A method or handler the page lacks: 405 / 404. Without this, <c>dictionary[null]</c> and friends surface as 500s.
/// </summary>
public sealed class PageBindingGuard : IAsyncPageFilter
{
    private static readonly NullabilityInfoContext Nullability = new();

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // A POST (or other write) the page has no handler for would render the page unprepared (its
        // model never loaded): 405 for the method, 404 for an unknown handler name.
        var handlers = context.ActionDescriptor.HandlerMethods;
        var method = context.HttpContext.Request.Method;
        if (context.HandlerMethod is null && handlers.Count > 0 && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            context.Result = handlers.Any(h => string.Equals(h.HttpMethod, method, StringComparison.OrdinalIgnoreCase))
                ? new NotFoundResult()
                : new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        if (context.ActionDescriptor.AttributeRouteInfo?.Template is { } template)
        {
            foreach (var parameter in RoutePatternFactory.Parse(template).Parameters.Where(p => !p.IsOptional))
            {
                if (context.RouteData.Values.TryGetValue(parameter.Name, out var value) && string.IsNullOrWhiteSpace(value?.ToString()))
                {
                    context.Result = new NotFoundResult();
                    return;
                }
            }
        }

        if (context.HandlerMethod?.MethodInfo is { } handler)
        {
            foreach (var parameter in handler.GetParameters().Where(p => !p.ParameterType.IsValueType && !p.HasDefaultValue))
            {
                if ((context.HandlerArguments.TryGetValue(parameter.Name!, out var argument) ? argument : null) is null or string { Length: 0 }
                    && Nullability.Create(parameter).WriteState == NullabilityState.NotNull)
                {
                    context.Result = new BadRequestResult();
                    return;
                }
            }
        }

        await next();
    }
}
