using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Contacts.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ImportJobBulkLoadFlag : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "bulk_load",
                table: "import_jobs",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "bulk_load",
                table: "import_jobs");
        }
    }
}
