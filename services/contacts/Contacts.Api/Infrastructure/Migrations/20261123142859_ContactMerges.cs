using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Contacts.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ContactMerges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "contact_merge",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    survivor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    merged_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    field_choices = table.Column<string>(type: "jsonb", nullable: false),
                    merged_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    merged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_merge", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contact_merge_survivor_id",
                table: "contact_merge",
                column: "survivor_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contact_merge");
        }
    }
}
