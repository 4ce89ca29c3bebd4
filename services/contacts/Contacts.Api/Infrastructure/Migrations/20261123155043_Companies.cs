using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Contacts.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Companies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "company_id",
                table: "contacts",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "company_role",
                table: "contacts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "working_hours",
                table: "contacts",
                type: "jsonb",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "companies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    tax_id = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    tax_id_key = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    industry = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    size = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    emails = table.Column<List<string>>(type: "text[]", nullable: false),
                    phones = table.Column<List<string>>(type: "text[]", nullable: false),
                    website = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    owner_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    team = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    address = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_companies", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_company_id",
                table: "contacts",
                column: "company_id");

            migrationBuilder.CreateIndex(
                name: "ix_companies_tax_id_key",
                table: "companies",
                column: "tax_id_key",
                unique: true,
                filter: "tax_id_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_companies_team_owner_id",
                table: "companies",
                columns: new[] { "team", "owner_id" });

            migrationBuilder.AddForeignKey(
                name: "fk_contacts_companies_company_id",
                table: "contacts",
                column: "company_id",
                principalTable: "companies",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
            // Name prefix search under the C.UTF-8 collation: a plain btree cannot serve lower(name) LIKE 'x%'.
            migrationBuilder.Sql("CREATE INDEX ix_companies_lower_name ON companies (lower(name) text_pattern_ops)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_contacts_companies_company_id",
                table: "contacts");

            migrationBuilder.DropTable(
                name: "companies");

            migrationBuilder.DropIndex(
                name: "ix_contacts_company_id",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "company_id",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "company_role",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "working_hours",
                table: "contacts");
        }
    }
}
