using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Environment.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue6ClassApiFollowUp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Abn",
                table: "Businesses",
                type: "TEXT",
                maxLength: 11,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Abn",
                table: "Businesses");
        }
    }
}
