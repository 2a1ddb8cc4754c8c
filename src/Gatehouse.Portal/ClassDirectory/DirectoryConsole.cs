using System.Security.Claims;
using Gatehouse.Hosting.Contracts;
using Gatehouse.Portal.Organisations;
using Gatehouse.Portal.Provisioning;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Gatehouse.Portal.ClassDirectory;

/// <summary>
/// What every page of the admin console's Class directory (businesses and Class users of an
/// environment) shares: the platform-admin guard, the chosen environment, and turning an environment
/// that is down or refuses into messages instead of a 500.
/// </summary>
public sealed class DirectoryConsole(CurrentMember current, PortalEnvironments environments)
{
    public IReadOnlyList<KeyValuePair<string, EnvironmentEndpoint>> Environments => environments.All;

    /// <summary>The signed-in platform admin, or null (the pages then answer 404, as the rest of /admin does); the PlatformAdmin folder policy has resolved it already.</summary>
    public Task<Member?> AdminAsync(ClaimsPrincipal user, CancellationToken cancellationToken) => current.FindAdminAsync(user, cancellationToken);

    public EnvironmentEndpoint? Find(string key) => environments.Find(key);

    public string DisplayName(string key) => environments.DisplayName(key);

    /// <summary>Runs an admin API call; on failure adds the reason to <paramref name="modelState"/> and returns false.</summary>
    public static async Task<(bool Ok, T? Value)> TryAsync<T>(EnvironmentEndpoint environment, ModelStateDictionary modelState, string prefix, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return (true, await call());
        }
        catch (EnvironmentValidationException e)
        {
            foreach (var (field, messages) in e.Errors)
            {
                foreach (var message in messages)
                {
                    modelState.AddModelError(FieldFor(prefix, field), message);
                }
            }
        }
        catch (EnvironmentAdminException e)
        {
            modelState.AddModelError(string.Empty, e.Message);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            modelState.AddModelError(string.Empty, $"{environment.DisplayName} is unreachable right now ({e.GetType().Name}); nothing was changed there. Try again later.");
        }

        return (false, default);
    }

    /// <summary>The admin API names fields as its contract does (Name, Abn, code, userName); the form's are Input.X.</summary>
    private static string FieldFor(string prefix, string field) =>
        field.Length == 0 ? string.Empty : $"{prefix}.{char.ToUpperInvariant(field[0])}{field[1..]}";
}

/// <summary>Australian Business Number: 11 digits whose weighted sum (first digit less one) is a multiple of 89 (ATO).</summary>
public static class Abn
{
    private static readonly int[] Weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

    public static string Normalise(string abn) => abn.Replace(" ", "", StringComparison.Ordinal);

    public static bool IsValid(string abn)
    {
        var digits = Normalise(abn);
        if (digits.Length != 11 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 11; i++)
        {
            sum += ((digits[i] - '0') - (i == 0 ? 1 : 0)) * Weights[i];
        }

        return sum % 89 == 0;
    }
}

public static class ClassDirectoryRegistration
{
    public static IServiceCollection AddClassDirectory(this IServiceCollection services) => services.AddScoped<DirectoryConsole>();
}
