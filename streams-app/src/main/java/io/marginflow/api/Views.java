package io.marginflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marginflow.engine.AccountQuery;
import io.marginflow.risk.AccountMargin;
import io.marginflow.risk.MarginParameters;
import io.marginflow.risk.Market;
import io.marginflow.risk.Portfolio;
import io.marginflow.risk.Position;
import io.marginflow.risk.UnderlyingRisk;
import io.marginflow.risk.lifecycle.LifecycleState;
import io.marginflow.schema.UnderlyingMargin;
import io.marginflow.serde.JsonRecords;
import io.marginflow.translation.EngineTypes;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The API's JSON: a margin with the field names of the {@code MarginResult} contract (amounts as
 * exact decimal text, the per-underlying breakdown as {@code UnderlyingMargin}), an account's
 * ledger and lifecycle, summaries for lists, and aggregates per underlying.
 */
public final class Views {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Views() {}

    /** An account in full: its margin now, what was last published, its ledger and its lifecycle. */
    public static ObjectNode account(AccountQuery.Account account, Market market, int partition) {
        ObjectNode node = JSON.objectNode().put("account", account.id()).put("status", account.status().name())
                .put("journalPartition", partition);
        node.set("margin", margin(account.margin()));
        ObjectNode published = node.putObject("published").put("sequence", account.sequence())
                .put("hashHead", account.hashHead());
        if (!Double.isNaN(account.publishedEquity())) {
            published.put("equity", money(account.publishedEquity()))
                    .put("initialMargin", money(account.publishedInitialMargin()))
                    .put("maintenanceMargin", money(account.publishedMaintenanceMargin()));
        }
        ledger(node, account.portfolio(), market);
        lifecycle(node, account.lifecycle());
        return node;
    }

    /** One line of a list: the account's status and its margin's headline figures now. */
    static ObjectNode summary(AccountQuery.Account account) {
        AccountMargin margin = account.margin();
        ObjectNode node = JSON.objectNode().put("account", account.id()).put("status", account.status().name())
                .put("equity", money(margin.equity())).put("initialMargin", money(margin.initialMargin()))
                .put("maintenanceMargin", money(margin.maintenanceMargin())).put("excess", money(margin.excess()));
        account.lifecycle().call().ifPresent(call -> node.put("amountToMeet", money(call.amountToMeet())));
        return node;
    }

    /** A margin, field by field as {@code MarginResult} names them. */
    static ObjectNode margin(AccountMargin margin) {
        ObjectNode node = JSON.objectNode()
                .put("equity", money(margin.equity()))
                .put("initialMargin", money(margin.initialMargin()))
                .put("maintenanceMargin", money(margin.maintenanceMargin()))
                .put("excess", money(margin.excess()))
                .put("statusByFigures", margin.status().name())
                .put("scenarioMargin", margin.scenarioMargin())
                .put("valueAtRisk", margin.valueAtRisk())
                .put("expectedShortfall", margin.expectedShortfall())
                .put("addOns", margin.addOns())
                .put("bindingComponent", EngineTypes.component(margin.binding()).name());
        ArrayNode underlyings = node.putArray("underlyings");
        for (UnderlyingMargin underlying : EngineTypes.breakdown(margin)) {
            underlyings.add(JsonRecords.toJson(underlying, underlying.getSchema()));
        }
        return node;
    }

    /** Positions (with marks) and collateral balances. */
    static void ledger(ObjectNode node, Portfolio portfolio, Market market) {
        ArrayNode positions = node.putArray("positions");
        for (Position position : portfolio.positions().values()) {
            ObjectNode line = positions.addObject().put("instrument", position.instrument())
                    .put("quantity", JsonRecords.plain(position.quantity())).put("averagePrice", position.averagePrice());
            market.mark(position.instrument()).ifPresentOrElse(mark -> line.put("mark", mark), () -> line.putNull("mark"));
        }
        ArrayNode collateral = node.putArray("collateral");
        portfolio.balances().forEach((asset, balance) -> collateral.addObject().put("asset", asset)
                .put("balance", JsonRecords.plain(balance)));
    }

    private static void lifecycle(ObjectNode node, LifecycleState lifecycle) {
        lifecycle.call().ifPresentOrElse(call -> node.putObject("openCall").put("callId", call.id())
                .put("amountToMeet", money(call.amountToMeet()))
                .put("deadline", Instant.ofEpochMilli(call.deadlineMillis()).toString()), () -> node.putNull("openCall"));
        lifecycle.liquidation().ifPresentOrElse(liquidation -> node.putObject("liquidation")
                .put("signalId", liquidation.id()).put("reason", liquidation.reason().name())
                .put("revision", liquidation.revision()).put("planOrderId", liquidation.orderId())
                .put("backstop", liquidation.backstop()).put("planSteps", liquidation.planSteps())
                .put("stepsSeen", liquidation.executedSteps()), () -> node.putNull("liquidation"));
    }

    /** The accounts' risk on {@code underlying}, summed, with the parameters and forecast behind it. */
    static ObjectNode underlying(String underlying, List<AccountQuery.Account> accounts, MarginParameters parameters,
                                 Market market) {
        double requirement = 0;
        double delta = 0;
        double gamma = 0;
        double vega = 0;
        double theta = 0;
        double pnl = 0;
        double forecast = 0;
        double scanRange = parameters.priceScanRange();
        for (AccountQuery.Account account : accounts) {
            for (UnderlyingRisk risk : account.margin().underlyings()) {
                if (risk.underlying().equals(underlying)) {
                    requirement += risk.requirement();
                    delta += risk.netDelta();
                    gamma += risk.gamma();
                    vega += risk.vega();
                    theta += risk.theta();
                    pnl += risk.unrealizedPnl();
                    forecast = risk.forecastVol();
                    scanRange = risk.scanRange();
                }
            }
        }
        ObjectNode node = JSON.objectNode().put("underlying", underlying).put("accountsExposed", accounts.size())
                .put("requirement", money(requirement)).put("netDelta", delta).put("gamma", gamma).put("vega", vega)
                .put("theta", theta).put("unrealizedPnl", money(pnl)).put("forecastVol", forecast).put("scanRange", scanRange);
        market.indexPrice(underlying).ifPresent(price -> node.put("indexPrice", price));
        node.putObject("parameters").put("version", parameters.version())
                .put("priceScanRange", parameters.priceScanRange()).put("priceScanSteps", parameters.priceScanSteps())
                .put("shortOptionMinimum", parameters.shortOptionMinimum())
                .put("maintenanceToInitialRatio", parameters.maintenanceToInitialRatio());
        return node;
    }

    /** Sums of another instance's {@link #underlying} answer into this one's. */
    static void addUnderlying(ObjectNode into, JsonNode other) {
        into.put("accountsExposed", into.get("accountsExposed").intValue() + other.get("accountsExposed").intValue());
        for (String field : List.of("requirement", "unrealizedPnl")) {
            into.put(field, JsonRecords.plain(new BigDecimal(into.get(field).textValue()).add(new BigDecimal(other.get(field).textValue()))));
        }
        for (String field : List.of("netDelta", "gamma", "vega", "theta")) {
            into.put(field, into.get(field).doubleValue() + other.get(field).doubleValue());
        }
    }

    /** USD as exact decimal text, as the contract carries it. */
    static String money(double usd) {
        return JsonRecords.plain(EngineTypes.money(usd));
    }
}
