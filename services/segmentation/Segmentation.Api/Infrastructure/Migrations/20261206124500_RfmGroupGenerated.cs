using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerBase.Segmentation.Infrastructure.Migrations
{
    /// <summary>
    /// The RFM group becomes a stored generated column over the two scores: the metrics statement no longer computes it
    /// with a subquery per row, and it can never disagree with the scores.
    /// </summary>
    public partial class RfmGroupGenerated : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "rfm_group",
                table: "contact_profiles");

            migrationBuilder.AddColumn<string>(
                name: "rfm_group",
                table: "contact_profiles",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true,
                computedColumnSql: "CASE WHEN rfm_recency IS NULL OR rfm_frequency IS NULL THEN NULL\n     WHEN rfm_recency >= 5 AND rfm_frequency >= 4 THEN 'champions'\n     WHEN rfm_recency >= 3 AND rfm_frequency >= 4 THEN 'loyal_customers'\n     WHEN rfm_recency >= 4 AND rfm_frequency >= 2 THEN 'potential_loyalists'\n     WHEN rfm_recency = 5 THEN 'new_customers'\n     WHEN rfm_recency = 4 THEN 'promising'\n     WHEN rfm_recency = 3 AND rfm_frequency = 3 THEN 'need_attention'\n     WHEN rfm_recency = 3 THEN 'about_to_sleep'\n     WHEN rfm_frequency = 5 THEN 'cant_lose'\n     WHEN rfm_frequency >= 3 THEN 'at_risk'\n     ELSE 'hibernating' END",
                stored: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "rfm_group",
                table: "contact_profiles");

            migrationBuilder.AddColumn<string>(
                name: "rfm_group",
                table: "contact_profiles",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            // The older metrics statement writes the group only when another metric changes: fill it now.
            migrationBuilder.Sql("UPDATE contact_profiles SET rfm_group = " + "CASE WHEN rfm_recency IS NULL OR rfm_frequency IS NULL THEN NULL\n     WHEN rfm_recency >= 5 AND rfm_frequency >= 4 THEN 'champions'\n     WHEN rfm_recency >= 3 AND rfm_frequency >= 4 THEN 'loyal_customers'\n     WHEN rfm_recency >= 4 AND rfm_frequency >= 2 THEN 'potential_loyalists'\n     WHEN rfm_recency = 5 THEN 'new_customers'\n     WHEN rfm_recency = 4 THEN 'promising'\n     WHEN rfm_recency = 3 AND rfm_frequency = 3 THEN 'need_attention'\n     WHEN rfm_recency = 3 THEN 'about_to_sleep'\n     WHEN rfm_frequency = 5 THEN 'cant_lose'\n     WHEN rfm_frequency >= 3 THEN 'at_risk'\n     ELSE 'hibernating' END" + " WHERE rfm_recency IS NOT NULL");
        }
    }
}
