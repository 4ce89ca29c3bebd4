using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Interactions.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PurchaseStatsMergeable : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "category_spend",
                table: "contact_purchase_stats",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<DateTimeOffset[]>(
                name: "order_dates",
                table: "contact_purchase_stats",
                type: "timestamp with time zone[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "refreshed_at",
                table: "contact_purchase_stats",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "'infinity'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "category_spend",
                table: "contact_purchase_stats");

            migrationBuilder.DropColumn(
                name: "order_dates",
                table: "contact_purchase_stats");

            migrationBuilder.DropColumn(
                name: "refreshed_at",
                table: "contact_purchase_stats");
        }
    }
}
