using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Campaigns.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ReceiptOutcomeDetail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "outcome_detail",
                table: "campaign_messages",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "outcome_detail",
                table: "campaign_messages");
        }
    }
}
