using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Environment.Data.Migrations.Postgres
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
                type: "character varying(11)",
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
