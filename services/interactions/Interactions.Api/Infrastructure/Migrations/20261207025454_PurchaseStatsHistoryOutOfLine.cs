using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Interactions.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PurchaseStatsHistoryOutOfLine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "contact_purchase_stats")
                .Annotation("Npgsql:StorageParameter:toast_tuple_target", 128);
            // Moved out of line as they are, not compressed first (a hundred bytes of dates hardly compress). Rows already
            // written keep them inline until they are next written.
            migrationBuilder.Sql("ALTER TABLE contact_purchase_stats ALTER COLUMN order_dates SET STORAGE EXTERNAL, ALTER COLUMN category_spend SET STORAGE EXTERNAL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "contact_purchase_stats")
                .OldAnnotation("Npgsql:StorageParameter:toast_tuple_target", 128);
            migrationBuilder.Sql("ALTER TABLE contact_purchase_stats ALTER COLUMN order_dates SET STORAGE EXTENDED, ALTER COLUMN category_spend SET STORAGE EXTENDED");
        }
    }
}
