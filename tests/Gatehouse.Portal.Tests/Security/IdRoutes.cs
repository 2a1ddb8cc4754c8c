using System.Reflection;
using Gatehouse.Portal.Organisations;
using Microsoft.AspNetCore.Razor.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Security;

/// <summary>
/// Every page of the portal whose route takes an id, read from the compiled pages (the same route
/// templates the endpoint table is built from; <see cref="IdorTests.RouteTable_EveryIdRoute_IsCoveredByTheRegistry"/>
/// checks the two agree), and how to make an id that belongs to organisation B for each of them.
/// </summary>
public static class IdRoutes
{
    /// <summary>
    /// Route template prefix → how to make an id of that kind owned by organisation B. A new id route
    /// without an entry fails <see cref="IdorTests"/> loudly: add one here.
    /// </summary>
    public static readonly IReadOnlyList<(string Prefix, Func<IdorWorld, Task<Guid>> OrgBId)> Registry =
    [
        ("/apps/{id", async w => await w.AppOfBAsync()),
        ("/organisation/members/{id", async w => await w.MemberOfBAsync()),
        ("/organisation/invitations/{id", async w => await w.InvitationOfBAsync()),
        ("/organisation/requests/{id", async w => await w.JoinRequestOfBAsync()),
        ("/catalogue/try-it/{id", async w => (await PortalUnderTest.CreateAppAsync(w.OwnerB, "B-App")).AppId),
        ("/audit/{id", async w => await w.Portal.QueryAsync(db => db.AuditEvents.Where(e => e.OrganisationId == w.OrganisationB).Select(e => e.Id).FirstAsync())),
    ];

    public static Func<IdorWorld, Task<Guid>>? FactoryFor(string template) =>
        Registry.Where(r => template.StartsWith(r.Prefix, StringComparison.Ordinal)).Select(r => r.OrgBId).FirstOrDefault();

    /// <summary>Route templates with an id parameter of every compiled page of the portal.</summary>
    public static IReadOnlyList<(string Template, Type PageType)> Pages() =>
        [.. typeof(PortalPlane).Assembly.GetTypes()
            .Select(t => (Type: t, Template: t.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().FirstOrDefault(a => a.Key == "RouteTemplate")?.Value))
            .Where(p => p.Template is not null && p.Template.Contains("{id", StringComparison.Ordinal))
            .Select(p => (p.Template!, p.Type))
            .OrderBy(p => p.Item1, StringComparer.Ordinal)];

    /// <summary>GET ("") plus every POST handler ("-" for the default one) of each id page, from its PageModel's OnPost* methods.</summary>
    public static IEnumerable<object[]> Cases()
    {
        foreach (var (template, pageType) in Pages())
        {
            // Plain strings, so xunit shows (and runs) one test case per route and handler.
            yield return [template, ""];
            var model = pageType.GetProperty("Model")?.PropertyType;
            var handlers = model?.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(m => m.Name["OnPost".Length..].Replace("Async", "", StringComparison.Ordinal))
                .Distinct()
                .Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>();
            foreach (var handler in handlers)
            {
                // "" is the default POST handler (OnPostAsync).
                yield return [template, handler.Length == 0 ? "-" : handler];
            }
        }
    }
}

/// <summary>Two organisations, A and B, each with its Owner signed in; B's objects are made on demand.</summary>
public sealed class IdorWorld(PortalUnderTest portal, Browser ownerA, Browser ownerB, Guid organisationB)
{
    public PortalUnderTest Portal => portal;

    public Browser OwnerA => ownerA;

    public Browser OwnerB => ownerB;

    public Guid OrganisationB => organisationB;

    public static async Task<IdorWorld> CreateAsync(PortalUnderTest portal)
    {
        var a = await portal.NewDeveloperAsync("owner@acme-advisers.com.au");
        var b = await portal.NewDeveloperAsync("owner@other-practice.com.au");
        var organisationB = await portal.QueryAsync(db => db.Organisations.Where(o => o.Domain == "other-practice.com.au").Select(o => o.Id).SingleAsync());
        return new IdorWorld(portal, a, b, organisationB);
    }

    /// <summary>A short unique suffix: the world is shared by the cases, so each makes its own objects.</summary>
    public static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// B's new app, once provisioning has finished with it: the worker and the page's own push can
    /// both write its sync time, and a late write must not look like a change made by the route.
    /// </summary>
    public async Task<Guid> AppOfBAsync()
    {
        var id = (await PortalUnderTest.CreateAppAsync(ownerB, "B-App-" + Unique())).AppId;
        string? previous = null;
        var settled = await PortalUnderTest.EventuallyAsync(async () =>
        {
            var state = await portal.QueryAsync(db => db.Apps.Where(a => a.Id == id).Select(a => $"{a.SyncState}|{a.LastSyncedAt}").SingleAsync());
            var stable = state == previous && state.StartsWith("Synced|", StringComparison.Ordinal);
            previous = state;
            if (!stable)
            {
                // Longer than the worker's 1 s interval between the two equal reads.
                await Task.Delay(1_000);
            }

            return stable;
        }, attempts: 30);
        Assert.True(settled, $"App {id} did not settle as Synced: {previous}");
        return id;
    }

    public async Task<Guid> MemberOfBAsync()
    {
        var email = $"member-{Unique()}@other-practice.com.au";
        (await portal.NewMemberAsync(ownerB, email, "Developer")).Dispose();
        return await portal.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
    }

    public async Task<Guid> InvitationOfBAsync()
    {
        var email = $"invited-{Unique()}@other-practice.com.au";
        (await PortalUnderTest.InviteAsync(ownerB, email, "Developer")).Dispose();
        return await portal.QueryAsync(db => db.Set<Invitation>().Where(i => i.OrganisationId == organisationB && i.Email == email).Select(i => i.Id).SingleAsync());
    }

    public async Task<Guid> JoinRequestOfBAsync()
    {
        var email = $"asking-{Unique()}@other-practice.com.au";
        (await portal.NewDeveloperAsync(email)).Dispose();
        return await portal.QueryAsync(db => db.Set<JoinRequest>().Where(r => r.OrganisationId == organisationB && r.Email == email).Select(r => r.Id).SingleAsync());
    }

    /// <summary>Everything an id route could change, as text: equal before and after means no side effect.</summary>
    public Task<string> SnapshotAsync() => portal.QueryAsync(async db =>
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).Select(u => $"{u.Email}|{u.OrganisationId}|{u.Role}|{u.TwoFactorEnabled}|{u.SecurityStamp}").ToListAsync();
        var apps = await db.Apps.AsNoTracking().OrderBy(a => a.Name).ToListAsync();
        var invitations = await db.Set<Invitation>().AsNoTracking().OrderBy(i => i.Email).Select(i => $"{i.Email}|{i.Role}|{i.AcceptedAt}|{i.RevokedAt}").ToListAsync();
        var requests = await db.Set<JoinRequest>().AsNoTracking().OrderBy(r => r.Email).Select(r => $"{r.Email}|{r.DecidedAt}|{r.Approved}").ToListAsync();
        var organisations = await db.Organisations.AsNoTracking().OrderBy(o => o.Domain).Select(o => $"{o.Domain}|{o.Name}|{o.RequireMfa}").ToListAsync();
        var appLines = apps.Select(a => System.Text.Json.JsonSerializer.Serialize(a));
        return string.Join("\n", users.Concat(appLines).Concat(invitations).Concat(requests).Concat(organisations));
    });
}
