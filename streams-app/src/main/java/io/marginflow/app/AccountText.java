package io.marginflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.marginflow.engine.AccountQuery;
import io.marginflow.risk.Market;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Map;

/**
 * An account as {@code audit explain} prints it for a risk officer: from the query API's JSON of
 * the account ({@link io.marginflow.api.Views#account}), with collateral valued at the market's
 * haircuts. Nothing here computes a margin; it only lays out the engine's figures.
 */
final class AccountText {

    private AccountText() {}

    static void print(JsonNode view, AccountQuery.Account account, Market market, PrintWriter out) {
        JsonNode margin = view.get("margin");
        out.printf("account %s after %s-%d@%d (event time %s), rebuilt from the journal%n", view.get("account").asText(),
                "journal", view.get("journalPartition").asInt(), view.get("journalOffset").asLong(),
                view.path("eventTime").asText("-"));
        out.printf("status %s (by its figures now: %s)%n", view.get("status").asText(), margin.get("statusByFigures").asText());
        JsonNode call = view.get("openCall");
        if (call != null && !call.isNull()) {
            out.printf("open margin call %s: %s USD to meet by %s%n", call.get("callId").asText(),
                    usd(call.get("amountToMeet")), call.get("deadline").asText());
        }
        JsonNode liquidation = view.get("liquidation");
        if (liquidation != null && !liquidation.isNull()) {
            out.printf("in liquidation %s (%s), plan %s, %d of %d steps seen%n", liquidation.get("signalId").asText(),
                    liquidation.get("reason").asText(), liquidation.get("planOrderId").asText(),
                    liquidation.get("stepsSeen").asInt(), liquidation.get("planSteps").asInt());
        }
        out.printf("equity %s USD · initial margin %s (set by %s) · maintenance margin %s · excess %s%n",
                usd(margin.get("equity")), usd(margin.get("initialMargin")), margin.get("bindingComponent").asText(),
                usd(margin.get("maintenanceMargin")), usd(margin.get("excess")));
        out.printf("  scenario margin %s · VaR %s · expected shortfall %s%s · add-ons %s%n",
                usd(margin.get("scenarioMargin")), usd(margin.get("valueAtRisk")), usd(margin.get("expectedShortfall")),
                margin.get("bindingComponent").asText().equals("EXPECTED_SHORTFALL") ? " (bound)" : "",
                usd(margin.get("addOns")));
        out.println("positions:");
        out.printf("  %-26s %16s %14s %14s%n", "instrument", "quantity", "average price", "mark price");
        for (JsonNode position : view.get("positions")) {
            out.printf("  %-26s %16s %14s %14s%n", position.get("instrument").asText(), position.get("quantity").asText(),
                    usd(position.get("averagePrice")), position.get("mark").isNull() ? "-" : usd(position.get("mark")));
        }
        out.println("collateral (valued after its haircut):");
        for (Map.Entry<String, BigDecimal> balance : account.portfolio().balances().entrySet()) {
            String asset = balance.getKey();
            double haircut = market.parameters(asset).collateralHaircuts().getOrDefault(asset, 0.0);
            out.printf("  %-8s %20s  haircut %5.1f%%  worth %s USD%n", asset, balance.getValue().toPlainString(), 100 * haircut,
                    String.format("%,.2f", balance.getValue().doubleValue() * market.collateralValuePerUnit(asset)));
        }
        for (JsonNode underlying : margin.get("underlyings")) {
            out.printf("%s: requirement %s USD; worst scenario price %+.0f%%, vol %+.0f%%: loses %s before its weight;"
                    + " unrealized P&L %s%n",
                    underlying.get("underlying").asText(), usd(underlying.get("requirement")),
                    100 * underlying.get("worstPriceMove").asDouble(), 100 * underlying.get("worstVolShock").asDouble(),
                    usd(underlying.get("worstScenarioLoss")), usd(underlying.get("unrealizedPnl")));
            out.printf("  delta %.4f · gamma %.6f · vega %.2f per vol point · theta %.2f per day · forecast vol %.2f%% per"
                    + " history interval · scan range %.1f%% · short-option minimum %s · concentration add-on %s%n",
                    underlying.get("netDelta").asDouble(), underlying.get("gamma").asDouble(), underlying.get("vega").asDouble(),
                    underlying.get("theta").asDouble(), 100 * underlying.get("forecastVol").asDouble(),
                    100 * underlying.get("scanRange").asDouble(), usd(underlying.get("shortOptionMinimum")),
                    usd(underlying.get("concentrationAddOn")));
        }
        JsonNode published = view.get("published");
        out.printf("last published: sequence %d, hash %s%s%n", published.get("sequence").asLong(),
                published.get("hashHead").asText(), published.has("equity") ? ", equity " + usd(published.get("equity"))
                        + " · IM " + usd(published.get("initialMargin")) + " · MM " + usd(published.get("maintenanceMargin")) : "");
    }

    /** An amount (exact decimal text or a number) as USD with thousands separators and cents. */
    private static String usd(JsonNode amount) {
        BigDecimal value = amount.isTextual() ? new BigDecimal(amount.asText()) : BigDecimal.valueOf(amount.asDouble());
        return String.format("%,.2f", value);
    }
}
