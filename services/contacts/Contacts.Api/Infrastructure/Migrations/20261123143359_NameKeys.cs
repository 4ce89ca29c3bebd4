using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Contacts.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class NameKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "first_name_key",
                table: "contacts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_name_key",
                table: "contacts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "middle_name_key",
                table: "contacts",
                type: "text",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE contacts SET first_name_key = lower(first_name), middle_name_key = lower(middle_name), last_name_key = lower(last_name)
                """);

            migrationBuilder.CreateIndex(
                name: "ix_contacts_first_name_key",
                table: "contacts",
                column: "first_name_key")
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_last_name_key",
                table: "contacts",
                column: "last_name_key")
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_middle_name_key",
                table: "contacts",
                column: "middle_name_key")
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_contacts_first_name_key",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_last_name_key",
                table: "contacts");

            migrationBuilder.DropIndex(
                name: "ix_contacts_middle_name_key",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "first_name_key",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "last_name_key",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "middle_name_key",
                table: "contacts");
        }
    }
}
