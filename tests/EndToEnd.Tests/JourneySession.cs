using Gatehouse.Hosting.Database;
using Gatehouse.Testing;
using Microsoft.Playwright;

namespace Gatehouse.EndToEnd.Tests;

/// <summary>
/// What the browser journeys start from: the product running on its own databases, headless Chromium,
/// and a developer who went through the getting-started steps in it (<see cref="PortalJourney"/>):
/// signed in, with a PIE Client app that selected the Class Partner API, and a sandbox business.
/// </summary>
public sealed class JourneySession(GatehouseUnderTest product, IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, JourneyResult journey) : IAsyncDisposable
{
    public GatehouseUnderTest Product => product;

    public IBrowser Browser => browser;

    public IBrowserContext Context => context;

    /// <summary>The developer's page, signed in to the portal.</summary>
    public IPage Page => page;

    public JourneyResult Journey => journey;

    public static async Task<JourneySession> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var product = await GatehouseUnderTest.StartAsync(provider);
        IPlaywright? playwright = null;
        IBrowser? browser = null;
        try
        {
            (playwright, browser) = await Chromium.LaunchAsync();
            var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            var journey = await PortalJourney.RunAsync(page, product.PortalUrl);
            return new JourneySession(product, playwright, browser, context, page, journey);
        }
        catch
        {
            if (browser is not null)
            {
                await browser.DisposeAsync();
            }

            playwright?.Dispose();
            await product.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await product.DisposeAsync();
    }
}
