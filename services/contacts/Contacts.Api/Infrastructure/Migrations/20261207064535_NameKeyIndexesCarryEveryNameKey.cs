using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Contacts.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class NameKeyIndexesCarryEveryNameKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
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

            migrationBuilder.CreateIndex(
                name: "ix_contacts_first_name_key",
                table: "contacts",
                column: "first_name_key")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "team", "owner_id", "middle_name_key", "last_name_key" })
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_last_name_key",
                table: "contacts",
                column: "last_name_key")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "team", "owner_id", "first_name_key", "middle_name_key" })
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_middle_name_key",
                table: "contacts",
                column: "middle_name_key")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "team", "owner_id", "first_name_key", "last_name_key" })
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

            migrationBuilder.CreateIndex(
                name: "ix_contacts_first_name_key",
                table: "contacts",
                column: "first_name_key")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "team", "owner_id" })
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_last_name_key",
                table: "contacts",
                column: "last_name_key")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "team", "owner_id" })
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_contacts_middle_name_key",
                table: "contacts",
                column: "middle_name_key")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "team", "owner_id" })
                .Annotation("Npgsql:IndexOperators", new[] { "text_pattern_ops" });
        }
    }
}
