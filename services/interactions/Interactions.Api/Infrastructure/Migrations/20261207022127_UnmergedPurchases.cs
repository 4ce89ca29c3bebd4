using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Interactions.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class UnmergedPurchases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "unmerged_purchases",
                columns: table => new
                {
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unmerged_purchases", x => new { x.contact_id, x.job_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_unmerged_purchases_job_id",
                table: "unmerged_purchases",
                column: "job_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "unmerged_purchases");
        }
    }
}
