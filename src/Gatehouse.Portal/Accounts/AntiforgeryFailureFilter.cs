using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Gatehouse.Portal.Accounts;

/// <summary>
/// A form posted without its antiforgery token (or with a stale one) is refused with 400 before any
/// handler runs (ASVS 3.5.1); this says why in words a person can act on, instead of a bare
/// "Bad Request". Nothing has been changed when it runs.
/// </summary>
public sealed class AntiforgeryFailureFilter : IAlwaysRunResultFilter
{
    public const string Message = "This form could not be accepted: it has expired or was not sent from this portal's own page. Nothing was changed. Go back, reload the page and try again.";

    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status400BadRequest,
                ContentType = "text/plain; charset=utf-8",
                Content = Message,
            };
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
