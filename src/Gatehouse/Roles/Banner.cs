using Gatehouse.Hosting.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Roles;

/// <summary>What a person running the product needs first: where each plane is and how to sign in.</summary>
internal static class Banner
{
    public static void Print(IReadOnlyList<WebApplication> planes)
    {
        Console.WriteLine();
        Console.WriteLine("Gatehouse is running.");
        foreach (var plane in planes)
        {
            var info = plane.Services.GetService<IPlaneInfo>();
            if (info is null)
            {
                continue;
            }

            Console.WriteLine($"  {info.Title,-28} {info.Url}");
            foreach (var line in info.Notes)
            {
                Console.WriteLine($"  {"",-28} {line}");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Press Ctrl+C to stop.");
    }
}
