using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Issue7Catalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Description",
                table: "ApiProducts",
                type: "character varying(20000)",
                maxLength: 20000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(1000)",
                oldMaxLength: 1000);

            migrationBuilder.AddColumn<string>(
                name: "Host",
                table: "ApiProducts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Environment");

            migrationBuilder.AddColumn<string>(
                name: "OpenApiPath",
                table: "ApiProducts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "ApiProducts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Active");

            migrationBuilder.AddColumn<string>(
                name: "Summary",
                table: "ApiProducts",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Visibility",
                table: "ApiProducts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "Public");

            migrationBuilder.CreateTable(
                name: "ApiProductChanges",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProductCode = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Version = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.AlterColumn<string>(
                name: "Description",
                table: "ApiProducts",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(20000)",
                oldMaxLength: 20000);
        }
    }
}
