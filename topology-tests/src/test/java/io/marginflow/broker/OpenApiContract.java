package io.marginflow.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checked-in OpenAPI description of the query API, as a test reads it: which operations it
 * documents, and whether an answer fits the schema it documents for that status (required
 * properties, types, nullability, enums, through $ref and allOf).
 */
final class OpenApiContract {

    private final JsonNode spec;

    private OpenApiContract(JsonNode spec) {
        this.spec = spec;
    }

    static OpenApiContract load() throws IOException {
        try (InputStream in = OpenApiContract.class.getResourceAsStream("/io/marginflow/api/openapi.yaml")) {
            return new OpenApiContract(new ObjectMapper(new YAMLFactory()).readTree(in));
        }
    }

    /** Every documented operation, as "GET /accounts/{account}". */
    Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        spec.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));
        return operations;
    }

    /** What is wrong with {@code body}, answered with {@code status} to {@code operation}; empty if it fits. */
    List<String> violations(String operation, int status, JsonNode body) {
        String[] parts = operation.split(" ", 2);
        JsonNode response = spec.get("paths").path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT)).path("responses")
                .path(Integer.toString(status));
        if (response.isMissingNode()) {
            return List.of(operation + " does not document status " + status);
        }
        JsonNode schema = resolve(response).path("content").path("application/json").path("schema");
        List<String> problems = new ArrayList<>();
        if (!schema.isMissingNode()) {
            check(schema, body, "$", problems);
        }
        return problems;
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            JsonNode target = spec;
            for (String step : node.get("$ref").textValue().substring(2).split("/", -1)) {
                target = target.get(step);
            }
            node = target;
        }
        return node;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> problems) {
        schema = resolve(schema);
        if (schema.has("allOf")) {
            schema.get("allOf").forEach(part -> check(part, value, path, problems));
            return;
        }
        if (value == null || value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                problems.add(path + " is null but not nullable");
            }
            return;
        }
        String type = schema.path("type").asText("");
        boolean fits = switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!fits) {
            problems.add(path + " should be " + type + ": " + value);
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode symbol : schema.get("enum")) {
                listed |= symbol.asText().equals(value.asText());
            }
            if (!listed) {
                problems.add(path + " = " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isObject()) {
            schema.path("required").forEach(name -> {
                if (!value.has(name.textValue())) {
                    problems.add(path + " lacks required " + name.textValue());
                }
            });
            for (Iterator<String> names = schema.path("properties").fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (value.has(name)) {
                    check(schema.get("properties").get(name), value.get(name), path + "." + name, problems);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), path + "[" + i + "]", problems);
            }
        }
    }
}
