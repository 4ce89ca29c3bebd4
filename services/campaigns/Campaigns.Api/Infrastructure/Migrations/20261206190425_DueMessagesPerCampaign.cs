using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Campaigns.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class DueMessagesPerCampaign : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_campaign_messages_due",
                table: "campaign_messages");

            migrationBuilder.CreateIndex(
                name: "ix_campaign_messages_due",
                table: "campaign_messages",
                columns: new[] { "campaign_id", "not_before" },
                filter: "status = 'pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_campaign_messages_due",
                table: "campaign_messages");

            migrationBuilder.CreateIndex(
                name: "ix_campaign_messages_due",
                table: "campaign_messages",
                column: "not_before",
                filter: "status = 'pending'");
        }
    }
}
