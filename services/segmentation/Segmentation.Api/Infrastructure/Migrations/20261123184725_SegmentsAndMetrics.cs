using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Segmentation.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class SegmentsAndMetrics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "contact_profiles")
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "attributes_at",
                table: "contact_profiles",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "average_order",
                table: "contact_profiles",
                type: "numeric(18,2)",
                precision: 18,
                scale: 2,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "birth_date",
                table: "contact_profiles",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "churn_risk",
                table: "contact_profiles",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "city",
                table: "contact_profiles",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "custom_fields",
                table: "contact_profiles",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "gender",
                table: "contact_profiles",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "language",
                table: "contact_profiles",
                type: "character varying(35)",
                maxLength: 35,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "lifecycle_stage",
                table: "contact_profiles",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "median_interval_days",
                table: "contact_profiles",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "metrics_at",
                table: "contact_profiles",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_purchase_at",
                table: "contact_profiles",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "owner_id",
                table: "contact_profiles",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "preferred_channel",
                table: "contact_profiles",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true);

            migrationBuilder.AddColumn<short>(
                name: "rfm_frequency",
                table: "contact_profiles",
                type: "smallint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rfm_group",
                table: "contact_profiles",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<short>(
                name: "rfm_monetary",
                table: "contact_profiles",
                type: "smallint",
                nullable: true);

            migrationBuilder.AddColumn<short>(
                name: "rfm_recency",
                table: "contact_profiles",
                type: "smallint",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "tags",
                table: "contact_profiles",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.AddColumn<string>(
                name: "team",
                table: "contact_profiles",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "time_zone",
                table: "contact_profiles",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "top_categories",
                table: "contact_profiles",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'::text[]");

            migrationBuilder.CreateTable(
                name: "orders",
                columns: table => new
                {
                    interaction_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    total = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    status_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    skus = table.Column<string[]>(type: "text[]", nullable: false),
                    categories = table.Column<string[]>(type: "text[]", nullable: false),
                    amounts = table.Column<decimal[]>(type: "numeric[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_orders", x => x.interaction_id);
                });

            migrationBuilder.CreateTable(
                name: "rebuild_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    step = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    steps_done = table.Column<int>(type: "integer", nullable: false),
                    steps_total = table.Column<int>(type: "integer", nullable: false),
                    contacts = table.Column<long>(type: "bigint", nullable: false),
                    error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rebuild_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "rfm_boundaries",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    recency = table.Column<double[]>(type: "double precision[]", nullable: false),
                    frequency = table.Column<double[]>(type: "double precision[]", nullable: false),
                    monetary = table.Column<double[]>(type: "double precision[]", nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rfm_boundaries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "segments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    rule = table.Column<string>(type: "jsonb", nullable: true),
                    rule_text = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    time_based = table.Column<bool>(type: "boolean", nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    evaluated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_segments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "segment_members",
                columns: table => new
                {
                    segment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_segment_members", x => new { x.segment_id, x.contact_id });
                    table.ForeignKey(
                        name: "fk_segment_members_segments_segment_id",
                        column: x => x.segment_id,
                        principalTable: "segments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_contact_profiles_birth_date",
                table: "contact_profiles",
                column: "birth_date");

            migrationBuilder.CreateIndex(
                name: "ix_contact_profiles_owner_id",
                table: "contact_profiles",
                column: "owner_id");

            migrationBuilder.CreateIndex(
                name: "ix_contact_profiles_tags",
                table: "contact_profiles",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:StorageParameter:fastupdate", false);

            migrationBuilder.CreateIndex(
                name: "ix_contact_profiles_team",
                table: "contact_profiles",
                column: "team");

            migrationBuilder.CreateIndex(
                name: "ix_orders_contact_id",
                table: "orders",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "ix_orders_skus",
                table: "orders",
                column: "skus")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:StorageParameter:fastupdate", false);

            migrationBuilder.CreateIndex(
                name: "ix_segment_members_contact_id",
                table: "segment_members",
                column: "contact_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "orders");

            migrationBuilder.DropTable(
                name: "rebuild_jobs");

            migrationBuilder.DropTable(
                name: "rfm_boundaries");

            migrationBuilder.DropTable(
                name: "segment_members");

            migrationBuilder.DropTable(
                name: "segments");

            migrationBuilder.DropIndex(
                name: "ix_contact_profiles_birth_date",
                table: "contact_profiles");

            migrationBuilder.DropIndex(
                name: "ix_contact_profiles_owner_id",
                table: "contact_profiles");

            migrationBuilder.DropIndex(
                name: "ix_contact_profiles_tags",
                table: "contact_profiles");

            migrationBuilder.DropIndex(
                name: "ix_contact_profiles_team",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "attributes_at",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "average_order",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "birth_date",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "churn_risk",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "city",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "custom_fields",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "gender",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "language",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "lifecycle_stage",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "median_interval_days",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "metrics_at",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "next_purchase_at",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "preferred_channel",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "rfm_frequency",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "rfm_group",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "rfm_monetary",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "rfm_recency",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "tags",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "team",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "time_zone",
                table: "contact_profiles");

            migrationBuilder.DropColumn(
                name: "top_categories",
                table: "contact_profiles");

            migrationBuilder.AlterTable(
                name: "contact_profiles")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 70);
        }
    }
}
