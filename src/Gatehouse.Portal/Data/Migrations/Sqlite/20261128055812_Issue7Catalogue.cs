using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue7Catalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Host",
                table: "ApiProducts",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Environment");

            migrationBuilder.AddColumn<string>(
                name: "OpenApiPath",
                table: "ApiProducts",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "ApiProducts",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Active");

            migrationBuilder.AddColumn<string>(
                name: "Summary",
                table: "ApiProducts",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Visibility",
                table: "ApiProducts",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Public");

            migrationBuilder.CreateTable(
                name: "ApiProductChanges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProductCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiProductChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ApiProductChanges_ApiProducts_ProductCode",
                        column: x => x.ProductCode,
                        principalTable: "ApiProducts",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiProductChanges_ProductCode_Date",
                table: "ApiProductChanges",
                columns: new[] { "ProductCode", "Date" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiProductChanges");

            migrationBuilder.DropColumn(
                name: "Host",
                table: "ApiProducts");

            migrationBuilder.DropColumn(
                name: "OpenApiPath",
                table: "ApiProducts");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "ApiProducts");

            migrationBuilder.DropColumn(
                name: "Summary",
                table: "ApiProducts");

            migrationBuilder.DropColumn(
                name: "Visibility",
                table: "ApiProducts");
        }
    }
}
