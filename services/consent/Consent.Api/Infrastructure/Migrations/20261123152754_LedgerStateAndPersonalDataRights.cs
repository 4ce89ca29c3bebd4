using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Consent.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class LedgerStateAndPersonalDataRights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_consent_records_contact_id_purpose_channel_recorded_at",
                table: "consent_records");

            migrationBuilder.RenameColumn(
                name: "evidence",
                table: "consent_records",
                newName: "evidence_document");

            migrationBuilder.CreateSequence(
                name: "consent_record_sequence");

            migrationBuilder.AddColumn<string>(
                name: "evidence_form_id",
                table: "consent_records",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "evidence_ip",
                table: "consent_records",
                type: "character varying(45)",
                maxLength: 45,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "evidence_user_agent",
                table: "consent_records",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "pending",
                table: "consent_records",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "recorded_by",
                table: "consent_records",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "relates_to",
                table: "consent_records",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "sequence",
                table: "consent_records",
                type: "bigint",
                nullable: false,
                defaultValueSql: "nextval('consent_record_sequence')");

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    service = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    what = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: true),
                    filter = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    row_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "consent_states",
                columns: table => new
                {
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    channel = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    legal_basis = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    block = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    pending_record_id = table.Column<Guid>(type: "uuid", nullable: true),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_consent_states", x => new { x.contact_id, x.purpose, x.channel });
                });

            migrationBuilder.CreateTable(
                name: "data_transfers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    recipient = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    purpose = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    legal_basis = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    categories = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    transferred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    informed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    recorded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_transfers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "double_opt_in_tokens",
                columns: table => new
                {
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    pending_record_id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    channel = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_double_opt_in_tokens", x => x.token_hash);
                });

            migrationBuilder.CreateTable(
                name: "erasure_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "suppressions",
                columns: table => new
                {
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_suppressions", x => x.hash);
                });

            migrationBuilder.CreateTable(
                name: "used_unsubscribe_tokens",
                columns: table => new
                {
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    contact_id = table.Column<Guid>(type: "uuid", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_used_unsubscribe_tokens", x => x.token_hash);
                });

            migrationBuilder.CreateTable(
                name: "erasure_answer",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    service = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_erasure_answer", x => new { x.request_id, x.service });
                    table.ForeignKey(
                        name: "fk_erasure_answer_erasure_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "erasure_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_contact_id_purpose_sequence",
                table: "consent_records",
                columns: new[] { "contact_id", "purpose", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_sequence",
                table: "consent_records",
                column: "sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_actor_at",
                table: "audit_entries",
                columns: new[] { "actor", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_at_id",
                table: "audit_entries",
                columns: new[] { "at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_entries_contact_id_at",
                table: "audit_entries",
                columns: new[] { "contact_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_data_transfers_contact_id",
                table: "data_transfers",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "ix_double_opt_in_tokens_contact_id",
                table: "double_opt_in_tokens",
                column: "contact_id");

            migrationBuilder.CreateIndex(
                name: "ix_erasure_requests_completed_at",
                table: "erasure_requests",
                column: "completed_at");

            migrationBuilder.CreateIndex(
                name: "ix_used_unsubscribe_tokens_contact_id",
                table: "used_unsubscribe_tokens",
                column: "contact_id");

            // The current state of ledgers written by the first version (grants and withdrawals only).
            migrationBuilder.Sql("""
                INSERT INTO consent_states (contact_id, purpose, channel, status, legal_basis, expires_at, changed_at, version)
                SELECT DISTINCT ON (contact_id, purpose, channel) contact_id, purpose, channel,
                       CASE action WHEN 'grant' THEN 'granted' ELSE 'withdrawn' END, legal_basis, expires_at, recorded_at, 1
                FROM consent_records
                ORDER BY contact_id, purpose, channel, recorded_at DESC, id DESC
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "consent_states");

            migrationBuilder.DropTable(
                name: "data_transfers");

            migrationBuilder.DropTable(
                name: "double_opt_in_tokens");

            migrationBuilder.DropTable(
                name: "erasure_answer");

            migrationBuilder.DropTable(
                name: "suppressions");

            migrationBuilder.DropTable(
                name: "used_unsubscribe_tokens");

            migrationBuilder.DropTable(
                name: "erasure_requests");

            migrationBuilder.DropIndex(
                name: "ix_consent_records_contact_id_purpose_sequence",
                table: "consent_records");

            migrationBuilder.DropIndex(
                name: "ix_consent_records_sequence",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "evidence_form_id",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "evidence_ip",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "evidence_user_agent",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "pending",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "recorded_by",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "relates_to",
                table: "consent_records");

            migrationBuilder.DropColumn(
                name: "sequence",
                table: "consent_records");

            migrationBuilder.DropSequence(
                name: "consent_record_sequence");

            migrationBuilder.RenameColumn(
                name: "evidence_document",
                table: "consent_records",
                newName: "evidence");

            migrationBuilder.CreateIndex(
                name: "ix_consent_records_contact_id_purpose_channel_recorded_at",
                table: "consent_records",
                columns: new[] { "contact_id", "purpose", "channel", "recorded_at" });
        }
    }
}
