using Gatehouse.Cli;
using Gatehouse.Roles;

// One executable. With a command (apps, login, logout, help) it is the management API's CLI (Cli/);
// otherwise the three planes: the portal and the PIE and Production environments run together by
// default, or one at a time with --role (see Roles/RoleOptions.cs and docs/architecture.md).
return GatehouseCli.IsCommand(args)
    ? await GatehouseCli.RunAsync(args, CliContext.FromProcess())
    : await GatehouseHost.RunAsync(args);
