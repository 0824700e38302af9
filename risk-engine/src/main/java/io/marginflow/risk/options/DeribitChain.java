package io.marginflow.risk.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Deribit BTC option-chain snapshot as Deribit's ticker CSV gives it, row by row (the real
 * snapshots the tests and the demo use are described in their SOURCES.md).
 */
public record DeribitChain(List<Row> rows) {

    /**
     * One option's ticker: USD prices and Greeks as Deribit publishes them.
     *
     * @param forward Deribit's {@code underlying_price}: the forward of the option's expiry
     * @param index Deribit's {@code index_price}: the BTC index when the ticker was taken
     * @param markIv mark implied vol as a fraction (the file has percent)
     */
    public record Row(String instrument, OptionType type, double strike, long expiryMillis, long timestampMillis,
                      double forward, double index, double markBtc, double markIv, double delta, double gamma,
                      double vega, double theta) {

        public double years() {
            return VolSurface.yearsBetween(timestampMillis, expiryMillis);
        }

        public double markUsd() {
            return markBtc * forward;
        }
    }

    private static final Pattern GREEK = Pattern.compile("'(\\w+)': (-?[0-9.e-]+)");

    /** The chain in {@code lines}: a header line, then one ticker per line. */
    public static DeribitChain parse(List<String> lines) {
        List<String> header = fields(lines.get(0));
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                List<String> f = fields(line);
                Map<String, Double> greeks = new TreeMap<>();
                Matcher m = GREEK.matcher(f.get(header.indexOf("greeks")));
                while (m.find()) {
                    greeks.put(m.group(1), Double.parseDouble(m.group(2)));
                }
                rows.add(new Row(f.get(header.indexOf("instrument_name")),
                        f.get(header.indexOf("option_type")).equals("call") ? OptionType.CALL : OptionType.PUT,
                        Double.parseDouble(f.get(header.indexOf("strike"))),
                        Long.parseLong(f.get(header.indexOf("expiration_timestamp"))),
                        Long.parseLong(f.get(header.indexOf("timestamp"))),
                        Double.parseDouble(f.get(header.indexOf("underlying_price"))),
                        Double.parseDouble(f.get(header.indexOf("index_price"))),
                        Double.parseDouble(f.get(header.indexOf("mark_price"))),
                        Double.parseDouble(f.get(header.indexOf("mark_iv"))) / 100.0,
                        greeks.get("delta"), greeks.get("gamma"), greeks.get("vega"), greeks.get("theta")));
            }
        }
        return new DeribitChain(List.copyOf(rows));
    }

    /**
     * The snapshot as a surface at its last ticker's time: per expiry the median forward, and per
     * strike the mean of the call's and the put's mark IV.
     */
    public VolSurface surface() {
        long asOf = rows.stream().mapToLong(Row::timestampMillis).max().orElseThrow();
        TreeMap<Long, List<Row>> byExpiry = new TreeMap<>();
        rows.forEach(row -> byExpiry.computeIfAbsent(row.expiryMillis(), e -> new ArrayList<>()).add(row));
        List<VolSurface.Smile> smiles = new ArrayList<>();
        byExpiry.forEach((expiry, options) -> {
            double[] forwards = options.stream().mapToDouble(Row::forward).sorted().toArray();
            TreeMap<Double, double[]> ivs = new TreeMap<>();
            for (Row row : options) {
                double[] sum = ivs.computeIfAbsent(row.strike(), k -> new double[2]);
                sum[0] += row.markIv();
                sum[1]++;
            }
            smiles.add(new VolSurface.Smile(expiry, forwards[forwards.length / 2],
                    ivs.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                    ivs.values().stream().mapToDouble(sum -> sum[0] / sum[1]).toArray()));
        });
        return VolSurface.of("BTC", asOf, smiles);
    }

    /** Splits a CSV line, keeping commas inside double quotes. */
    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
