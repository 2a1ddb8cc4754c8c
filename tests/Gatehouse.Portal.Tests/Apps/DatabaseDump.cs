using System.Data.Common;
using Gatehouse.Portal.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Portal.Tests.Apps;

/// <summary>Every row of every table as text, to scan for anything that must never be stored.</summary>
public static class DatabaseDump
{
    public static async Task<string> AllRowsAsync(PortalDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = db.Database.IsSqlite()
                    ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                    : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'";
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            Assert.Contains(tables, t => t == "AppSecrets");
            var dump = new System.Text.StringBuilder();
            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table}\"";
                await using DbDataReader reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++)
                    {
                        var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                        dump.Append(value is string[] array ? string.Join(",", array) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                    }

                    dump.AppendLine();
                }
            }

            return dump.ToString();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
