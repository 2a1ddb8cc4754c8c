using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Gatehouse.Portal.Apps;

public static class LifecycleErrorsExtensions
{
    /// <summary>Shows lifecycle errors on a page: "contactEmail" becomes "Input.ContactEmail".</summary>
    public static void AddLifecycleErrors(this ModelStateDictionary modelState, LifecycleErrors errors, string? prefix = null)
    {
        foreach (var (field, messages) in errors)
        {
            var key = field.Length == 0 ? "" : char.ToUpperInvariant(field[0]) + field[1..];
            if (prefix is not null && key.Length > 0)
            {
                key = prefix + "." + key;
            }

            foreach (var message in messages)
            {
                modelState.AddModelError(key, message);
            }
        }
    }

    /// <summary>
    /// ProblemDetails extensions for the management API: <c>codes</c> (field → code) when a rule has
    /// codes, the same ones the environment's admin API answers with for contract rules.
    /// </summary>
    public static Dictionary<string, object?>? ProblemExtensions(this LifecycleErrors errors) =>
        errors.Codes.Count == 0 ? null : new Dictionary<string, object?> { ["codes"] = errors.Codes };
}
