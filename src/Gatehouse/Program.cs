using Gatehouse.Roles;

// One executable, three planes: the portal and the PIE and Production environments run together by
// default, or one at a time with --role (see Roles/RoleOptions.cs and docs/architecture.md).
return await GatehouseHost.RunAsync(args);
