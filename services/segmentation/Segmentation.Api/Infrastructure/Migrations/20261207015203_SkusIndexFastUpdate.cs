using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Segmentation.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SkusIndexFastUpdate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Only the storage parameters change: altered in place, not rebuilt (the model's annotations would drop and
            // create the index over every stored order).
            migrationBuilder.Sql("ALTER INDEX ix_orders_skus SET (fastupdate = true, gin_pending_list_limit = 1024)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Entries still pending would stay unmerged once fast update is off: merge them first.
            migrationBuilder.Sql("SELECT gin_clean_pending_list('ix_orders_skus'); ALTER INDEX ix_orders_skus SET (fastupdate = false); ALTER INDEX ix_orders_skus RESET (gin_pending_list_limit)");
        }
    }
}
