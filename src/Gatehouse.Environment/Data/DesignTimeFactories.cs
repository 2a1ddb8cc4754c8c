using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Gatehouse.Environment.Data;

// Used only by `dotnet ef migrations add`: the connection strings never reach a running plane.

public sealed class SqliteEnvironmentDbContextFactory : IDesignTimeDbContextFactory<SqliteEnvironmentDbContext>
{
    public SqliteEnvironmentDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteEnvironmentDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

public sealed class PostgresEnvironmentDbContextFactory : IDesignTimeDbContextFactory<PostgresEnvironmentDbContext>
{
    public PostgresEnvironmentDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresEnvironmentDbContext>().UseNpgsql("Host=localhost;Database=design_time").Options);
}
