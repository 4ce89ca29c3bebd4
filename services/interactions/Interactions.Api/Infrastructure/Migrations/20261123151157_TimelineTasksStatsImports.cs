using System;
using Microsoft.EntityFrameworkCore.Migrations;
using NpgsqlTypes;

#nullable disable

namespace CustomerBase.Interactions.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class TimelineTasksStatsImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_interactions_contact_id_occurred_at",
                table: "interactions");

            migrationBuilder.AddColumn<string>(
                name: "author",
                table: "interactions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "channel",
                table: "interactions",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "company_id",
                table: "interactions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "direction",
                table: "interactions",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "note",
                table: "interactions",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "interactions",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "subject",
                table: "interactions",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            // After subject and note: the generated column is computed from them.
            migrationBuilder.AddColumn<NpgsqlTsVector>(
                name: "search",
                table: "interactions",
                type: "tsvector",
                nullable: false)
                .Annotation("Npgsql:TsVectorConfig", "simple")
                .Annotation("Npgsql:TsVectorProperties", new[] { "subject", "note" });

            migrationBuilder.CreateTable(
                name: "contact_purchase_stats",
                columns: table => new
                {
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    first_order_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_order_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    order_count = table.Column<int>(type: "integer", nullable: false),
                    total = table.Column<decimal>(type: "numeric(20,2)", precision: 20, scale: 2, nullable: false),
                    median_interval_days = table.Column<double>(type: "double precision", nullable: false),
                    top_categories = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_contact_purchase_stats", x => x.contact_id);
                });

            migrationBuilder.CreateTable(
                name: "import_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    format = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    rows_read = table.Column<long>(type: "bigint", nullable: false),
                    rows_imported = table.Column<long>(type: "bigint", nullable: false),
                    rows_failed = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "import_row_errors",
                columns: table => new
                {
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    row_number = table.Column<long>(type: "bigint", nullable: false),
                    field = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    message = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_row_errors", x => new { x.job_id, x.row_number, x.field });
                });

            migrationBuilder.CreateTable(
                name: "tasks",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    assignee = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    note = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    due_notified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tasks", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_interactions_search",
                table: "interactions",
                column: "search")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_interactions_timeline",
                table: "interactions",
                columns: new[] { "contact_id", "occurred_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_assignee_status_due_at",
                table: "tasks",
                columns: new[] { "assignee", "status", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_awaiting_due",
                table: "tasks",
                column: "due_at",
                filter: "status = 'open' AND due_notified_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_contact_id",
                table: "tasks",
                column: "contact_id");

            // Orders recorded before statuses existed are new orders. Their contacts' counts and totals start from them; the
            // median interval and top categories are filled in by the contact's next order (the refresh recomputes all).
            migrationBuilder.Sql("UPDATE interactions SET status = 'new' WHERE kind = 'order' AND status IS NULL;");
            migrationBuilder.Sql("""
                INSERT INTO contact_purchase_stats (contact_id, first_order_at, last_order_at, order_count, total, median_interval_days, top_categories)
                SELECT contact_id, min(occurred_at), max(occurred_at), count(*), sum((payload->>'total')::numeric), 0, '{}'
                FROM interactions WHERE kind = 'order' GROUP BY contact_id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "contact_purchase_stats");

            migrationBuilder.DropTable(
                name: "import_jobs");

            migrationBuilder.DropTable(
                name: "import_row_errors");

            migrationBuilder.DropTable(
                name: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_interactions_search",
                table: "interactions");

            migrationBuilder.DropIndex(
                name: "ix_interactions_timeline",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "author",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "channel",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "company_id",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "direction",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "note",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "search",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "status",
                table: "interactions");

            migrationBuilder.DropColumn(
                name: "subject",
                table: "interactions");

            migrationBuilder.CreateIndex(
                name: "ix_interactions_contact_id_occurred_at",
                table: "interactions",
                columns: new[] { "contact_id", "occurred_at" },
                descending: new[] { false, true });
        }
    }
}
