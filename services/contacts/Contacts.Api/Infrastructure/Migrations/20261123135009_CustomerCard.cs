using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Contacts.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CustomerCard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "addresses",
                table: "contacts",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "birth_date",
                table: "contacts",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "call_window",
                table: "contacts",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "demographics",
                table: "contacts",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<List<string>>(
                name: "email_keys",
                table: "contacts",
                type: "text[]",
                nullable: false,
                defaultValueSql: "\'{}\'");

            migrationBuilder.AddColumn<string>(
                name: "external_id",
                table: "contacts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "gender",
                table: "contacts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "important_dates",
                table: "contacts",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "interests",
                table: "contacts",
                type: "text[]",
                nullable: false,
                defaultValueSql: "\'{}\'");

            migrationBuilder.AddColumn<string>(
                name: "language",
                table: "contacts",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "messengers",
                table: "contacts",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "middle_name",
                table: "contacts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "owner_id",
                table: "contacts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "preferred_channel",
                table: "contacts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "search_name",
                table: "contacts",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "source",
                table: "contacts",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.AddColumn<List<string>>(
                name: "tags",
                table: "contacts",
                type: "text[]",
                nullable: false,
                defaultValueSql: "\'{}\'");

            migrationBuilder.AddColumn<string>(
                name: "team",
                table: "contacts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "time_zone",
                table: "contacts",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "version",
                table: "contacts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Contacts created before the full card: derive their search keys and give them a first version.
            migrationBuilder.Sql("""
                UPDATE contacts SET
                    search_name = lower(concat_ws(' ', first_name, middle_name, last_name)),
                    email_keys = ARRAY(SELECT lower(e) FROM unnest(emails) AS e),
                    important_dates = coalesce(important_dates, '[]'),
                    messengers = coalesce(messengers, '[]'),
                    addresses = coalesce(addresses, '[]'),
                    version = 1
                """);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_email_keys",
                table: "contacts",
                column: "email_keys")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_external_id",
                table: "contacts",
                column: "external_id",
                unique: true,
                filter: "external_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_name_order",
                table: "contacts",
                columns: new[] { "search_name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_phones",
                table: "contacts",
                column: "phones")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_search_name_trgm",
                table: "contacts",
                column: "search_name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_tags",
                table: "contacts",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_contacts_team_owner_id",
                table: "contacts",
                columns: new[] { "team", "owner_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_email_keys",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_external_id",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_name_order",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_phones",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_search_name_trgm",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_tags",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_team_owner_id",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "addresses",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "birth_date",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "call_window",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "demographics",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "email_keys",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "external_id",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "gender",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "important_dates",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "interests",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "language",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "messengers",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "middle_name",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "preferred_channel",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "search_name",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "source",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "tags",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "team",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "time_zone",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "version",
                table: "contacts");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
