package io.marginflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.marginflow.engine.AccountQuery;
import io.marginflow.risk.MarginStatus;
import io.marginflow.schema.Fill;
import io.marginflow.serde.JsonRecords;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The questions about accounts: {@code GET /accounts/{id}}, {@code GET /accounts?status=...},
 * {@code GET /underlyings/{u}} and {@code POST /what-if}, answered from the engine's state where it
 * is (this instance, or the one {@link Cluster} names).
 */
final class AccountsApi {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final Comparator<ObjectNode> BY_ACCOUNT = Comparator.comparing(node -> node.get("account").textValue());
    private static final Comparator<ObjectNode> BY_EXCESS = Comparator
            .comparing((ObjectNode node) -> new BigDecimal(node.get("excess").textValue())).thenComparing(BY_ACCOUNT);

    private final Cluster cluster;
    private final ApiServer server;

    AccountsApi(Cluster cluster, ApiServer server) {
        this.cluster = cluster;
        this.server = server;
    }

    ApiServer.Response answer(ApiServer.Request request) throws IOException {
        String path = request.path();
        if (path.equals("/accounts") && request.method().equals("GET")) {
            return list(request);
        }
        if (path.startsWith("/accounts/") && request.method().equals("GET")) {
            return account(request, path.substring("/accounts/".length()));
        }
        if (path.startsWith("/underlyings/") && request.method().equals("GET")) {
            return underlying(request, path.substring("/underlyings/".length()));
        }
        if (path.equals("/what-if") && request.method().equals("POST")) {
            return whatIf(request);
        }
        throw new ApiServer.Refused(404, "no such resource: " + request.method() + " " + path + " (see /openapi.yaml)");
    }

    private ApiServer.Response account(ApiServer.Request request, String id) {
        requireReadable(request, id);
        Cluster.Location location = locate(request, id);
        if (location.remote().isPresent()) {
            return server.forward(request, location.remote().get(), request.exchange().getRequestURI().getRawPath(), null);
        }
        AccountQuery query = cluster.query(location.partition());
        AccountQuery.Account account = query.account(id)
                .orElseThrow(() -> new ApiServer.Refused(404, "no account " + id + " (nothing published for it yet)"));
        return ApiServer.Response.json(200, Views.account(account, query.market(), location.partition()));
    }

    /**
     * A page of accounts. Every instance is asked the same question (status, order, limit, the
     * previous page's last account) about its own partitions, so each returns at most a page, in
     * the page's order: the page asked for is the first {@code limit} of their answers merged,
     * however many accounts each instance holds.
     */
    private ApiServer.Response list(ApiServer.Request request) throws IOException {
        Predicate<MarginStatus> wanted = status(request.query().get("status"));
        int limit = limit(request.query().get("limit"));
        String after = request.query().getOrDefault("after", "");
        boolean byExcess = "excess".equals(request.query().get("order"));
        List<ObjectNode> found = new ArrayList<>();
        for (int partition : cluster.localPartitions()) {
            for (AccountQuery.Account account : cluster.query(partition).accounts(wanted)) {
                if (request.grant().mayRead(account.id()) && (byExcess || account.id().compareTo(after) > 0)) {
                    found.add(Views.summary(account));
                }
            }
        }
        boolean more = false;
        if (!request.forwarded()) {
            String question = request.exchange().getRequestURI().getRawPath() + "?"
                    + Optional.ofNullable(request.exchange().getRequestURI().getRawQuery()).orElse("");
            for (HostInfo host : cluster.otherHosts()) {
                JsonNode answer = parse(server.forward(request, host, question, null));
                answer.get("accounts").forEach(node -> found.add((ObjectNode) node));
                more |= !answer.get("next").isNull();
            }
        }
        found.sort(byExcess ? BY_EXCESS : BY_ACCOUNT);
        more |= found.size() > limit;
        List<ObjectNode> page = found.subList(0, Math.min(limit, found.size()));
        ObjectNode body = JSON.objectNode();
        page.forEach(body.putArray("accounts")::add);
        if (more && !byExcess) {
            body.put("next", page.get(page.size() - 1).get("account").textValue());
        } else {
            body.putNull("next");
        }
        return ApiServer.Response.json(200, body);
    }

    private ApiServer.Response underlying(ApiServer.Request request, String underlying) throws IOException {
        if (!request.grant().operator()) {
            throw new ApiServer.Refused(403, "an underlying's aggregate covers every firm: an operator token is required");
        }
        ObjectNode body = null;
        for (int partition : cluster.localPartitions()) {
            AccountQuery query = cluster.query(partition);
            ObjectNode part = Views.underlying(underlying, query.exposedTo(underlying), query.parameters(underlying),
                    query.market());
            if (body == null) {
                body = part;
            } else {
                Views.addUnderlying(body, part);
            }
        }
        if (body == null) {
            throw new Cluster.Unavailable("no engine task is active on this instance");
        }
        if (!request.forwarded()) {
            for (HostInfo host : cluster.otherHosts()) {
                Views.addUnderlying(body, parse(server.forward(request, host, request.exchange().getRequestURI().getRawPath(),
                        null)));
            }
        }
        return ApiServer.Response.json(200, body);
    }

    private ApiServer.Response whatIf(ApiServer.Request request) throws IOException {
        byte[] raw = request.body();
        JsonNode body;
        try {
            body = ApiServer.JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ApiServer.Refused(400, "the body is not JSON: " + e.getOriginalMessage());
        }
        String account = Optional.ofNullable(body.get("account")).filter(JsonNode::isTextual).map(JsonNode::textValue)
                .orElseThrow(() -> new ApiServer.Refused(400, "the body names no account: {\"account\": ..., \"fills\": [...]}"));
        requireReadable(request, account);
        JsonNode fills = body.get("fills");
        if (fills == null || !fills.isArray() || fills.isEmpty()) {
            throw new ApiServer.Refused(400, "the body has no fills: a list of {instrument, quantity, price}");
        }
        List<Fill> hypothetical = new ArrayList<>();
        for (int i = 0; i < fills.size(); i++) {
            hypothetical.add(fill(fills.get(i), account, i + 1));
        }
        Cluster.Location location = locate(request, account);
        if (location.remote().isPresent()) {
            return server.forward(request, location.remote().get(), "/what-if", raw);
        }
        AccountQuery query = cluster.query(location.partition());
        AccountQuery.WhatIf answer;
        try {
            answer = query.whatIf(account, hypothetical);
        } catch (AccountQuery.RefusedFill e) {
            throw new ApiServer.Refused(422, e.getMessage());
        }
        ObjectNode result = JSON.objectNode().put("account", account).put("status", answer.before().status().name());
        result.set("before", Views.margin(answer.before().margin()));
        result.set("after", Views.margin(answer.after()));
        ObjectNode ledger = result.putObject("ledgerAfter");
        Views.ledger(ledger, answer.portfolioAfter(), query.market());
        return ApiServer.Response.json(200, result);
    }

    /** A hypothetical fill: instrument, quantity and price, with a fee of 0 USD unless given. */
    private static Fill fill(JsonNode node, String account, int number) {
        if (!node.isObject()) {
            throw new ApiServer.Refused(400, "fill " + number + " is not an object");
        }
        ObjectNode complete = ((ObjectNode) node).deepCopy();
        complete.put("fillId", "what-if-" + number).put("account", account).put("sequence", number);
        if (!complete.has("fee")) {
            complete.put("fee", "0");
        }
        if (!complete.has("feeAsset")) {
            complete.put("feeAsset", "USD");
        }
        if (!complete.has("eventTime")) {
            complete.put("eventTime", 0L);
        }
        try {
            return (Fill) JsonRecords.fromJson(complete, Fill.getClassSchema(), SpecificData.getForClass(Fill.class));
        } catch (IllegalArgumentException e) {
            throw new ApiServer.Refused(400, "fill " + number + ": " + e.getMessage());
        }
    }

    private Cluster.Location locate(ApiServer.Request request, String account) {
        Cluster.Location location = cluster.locate(account);
        if (location.remote().isPresent() && request.forwarded()) {
            throw new Cluster.Unavailable("account " + account + " moved while the request was forwarded; ask again");
        }
        return location;
    }

    private static void requireReadable(ApiServer.Request request, String account) {
        if (!request.grant().mayRead(account)) {
            throw new ApiServer.Refused(403, "this token may not read account " + account);
        }
    }

    private static Predicate<MarginStatus> status(String wanted) {
        if (wanted == null || wanted.isEmpty()) {
            return status -> true;
        }
        try {
            MarginStatus status = MarginStatus.valueOf(wanted.toUpperCase(Locale.ROOT));
            return status::equals;
        } catch (IllegalArgumentException e) {
            throw new ApiServer.Refused(400, "status must be one of NORMAL, MARGIN_CALL, LIQUIDATION, not " + wanted);
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new ApiServer.Refused(400, "limit must be a whole number from 1 to " + MAX_LIMIT);
        }
    }

    private static JsonNode parse(ApiServer.Response response) throws IOException {
        if (response.status() != 200) {
            throw new Cluster.Unavailable("another instance answered " + response.status() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return ApiServer.JSON.readTree(response.body());
    }
}
