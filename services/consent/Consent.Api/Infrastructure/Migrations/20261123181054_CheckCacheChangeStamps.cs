using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Consent.Infrastructure.Migrations
{
    /// <summary>
    /// What lets the consent-check cache catch up exactly (ADR 0020): every state row stamped with the id of the
    /// transaction that last wrote it, and a tombstone for every deleted row. Triggers, so no writer can forget.
    /// Not in the EF model: no code reads or writes these columns but the cache's own SQL.
    /// </summary>
    public partial class CheckCacheChangeStamps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE consent_states ADD COLUMN changed_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
                CREATE INDEX ix_consent_states_changed_xid ON consent_states (changed_xid);

                CREATE TABLE consent_state_deletions (
                    contact_id uuid NOT NULL,
                    purpose character varying(40) NOT NULL,
                    channel character varying(40) NOT NULL,
                    deleted_xid bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
                    deleted_at timestamp with time zone NOT NULL DEFAULT now());
                CREATE INDEX ix_consent_state_deletions_deleted_xid ON consent_state_deletions (deleted_xid);
                CREATE INDEX ix_consent_state_deletions_deleted_at ON consent_state_deletions (deleted_at);

                CREATE FUNCTION consent_states_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.changed_xid := pg_current_xact_id()::text::bigint;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER consent_states_stamp BEFORE INSERT OR UPDATE ON consent_states
                    FOR EACH ROW EXECUTE FUNCTION consent_states_stamp();

                CREATE FUNCTION consent_states_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO consent_state_deletions (contact_id, purpose, channel) VALUES (OLD.contact_id, OLD.purpose, OLD.channel);
                    RETURN OLD;
                END $$;
                CREATE TRIGGER consent_states_tombstone AFTER DELETE ON consent_states
                    FOR EACH ROW EXECUTE FUNCTION consent_states_tombstone();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER consent_states_tombstone ON consent_states;
                DROP FUNCTION consent_states_tombstone();
                DROP TRIGGER consent_states_stamp ON consent_states;
                DROP FUNCTION consent_states_stamp();
                DROP TABLE consent_state_deletions;
                ALTER TABLE consent_states DROP COLUMN changed_xid;
                """);
        }
    }
}
