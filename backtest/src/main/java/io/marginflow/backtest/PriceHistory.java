package io.marginflow.backtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * A cleaned close-price series, oldest first, one price per timestamp, and what cleaning it
 * took (see {@code data/SOURCES.md}).
 *
 * @param name e.g. "BTC daily (CoinGecko)"
 * @param times epoch milliseconds, strictly increasing
 * @param closes USD prices, positive
 * @param cleaning what the loader did to the raw file, for the report
 */
public record PriceHistory(String name, long[] times, double[] closes, List<String> cleaning) {

    private static final DateTimeFormatter COINGECKO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    public PriceHistory {
        if (times.length != closes.length || times.length < 2) {
            throw new IllegalArgumentException(name + ": need at least two prices, one per time");
        }
        for (int i = 0; i < times.length; i++) {
            if ((i > 0 && times[i] <= times[i - 1]) || !(closes[i] > 0.0)) {
                throw new IllegalArgumentException(name + ": times must increase and prices be positive at row " + i);
            }
        }
        cleaning = List.copyOf(cleaning);
    }

    public int size() {
        return times.length;
    }

    public Instant time(int i) {
        return Instant.ofEpochMilli(times[i]);
    }

    /** Log returns between consecutive prices: element i is ln(close[i + 1] / close[i]). */
    public double[] logReturns() {
        double[] returns = new double[closes.length - 1];
        for (int i = 0; i < returns.length; i++) {
            returns[i] = Math.log(closes[i + 1] / closes[i]);
        }
        return returns;
    }

    /** CoinGecko's export: {@code snapped_at,price,market_cap,total_volume}, a BOM perhaps, times in UTC. */
    public static PriceHistory coinGecko(String name, String resource) {
        TreeMap<Long, Double> prices = new TreeMap<>();
        List<String> cleaning = new ArrayList<>();
        int[] duplicates = {0};
        for (String line : lines(resource)) {
            if (line.startsWith("\uFEFF")) {
                cleaning.add("removed a byte-order mark");
                line = line.substring(1);
            }
            if (line.startsWith("snapped_at")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            long time = LocalDateTime.parse(cells[0], COINGECKO).toInstant(ZoneOffset.UTC).toEpochMilli();
            if (prices.put(time, Double.parseDouble(cells[1])) != null) {
                duplicates[0]++;
            }
        }
        if (duplicates[0] > 0) {
            cleaning.add(duplicates[0] + " duplicate timestamps (the last kept)");
        }
        return of(name, prices, cleaning);
    }

    /**
     * CryptoDataDownload's hourly export: {@code unix,date,symbol,open,high,low,close,...},
     * newest first, {@code unix} in seconds (older rows, {@code 1502942400.0}) or milliseconds;
     * where both formats give the same hour, the millisecond row wins. Lines that do not start
     * with a digit (banner, header) are skipped. The closes.
     */
    public static PriceHistory cryptoDataDownload(String name, String resource) {
        return cryptoDataDownload(name, resource, Column.CLOSE);
    }

    /** A price column of a CryptoDataDownload export. */
    public enum Column {
        HIGH(4), LOW(5), CLOSE(6);

        final int cell;

        Column(int cell) {
            this.cell = cell;
        }
    }

    /** As {@link #cryptoDataDownload(String, String)}, the prices of {@code column}. */
    public static PriceHistory cryptoDataDownload(String name, String resource, Column column) {
        TreeMap<Long, Double> prices = new TreeMap<>();
        Map<Long, Boolean> fromMillis = new TreeMap<>();
        int banners = 0;
        int secondRows = 0;
        int overlaps = 0;
        for (String line : lines(resource)) {
            if (line.isEmpty() || !Character.isDigit(line.charAt(0))) {
                banners++;
                continue;
            }
            String[] cells = line.split(",", -1);
            double unix = Double.parseDouble(cells[0]);
            boolean millis = unix > 1e11;
            long time = millis ? (long) unix : Math.round(unix * 1000);
            secondRows += millis ? 0 : 1;
            double close = Double.parseDouble(cells[column.cell]);
            Boolean existing = fromMillis.get(time);
            if (existing != null) {
                overlaps++;
                if (existing || !millis) {
                    continue; // keep the millisecond row
                }
            }
            prices.put(time, close);
            fromMillis.put(time, millis);
        }
        List<String> cleaning = new ArrayList<>();
        cleaning.add("sorted oldest first (the file is newest first)");
        cleaning.add(banners + " header or banner lines skipped");
        cleaning.add(secondRows + " rows with times in seconds converted to milliseconds");
        cleaning.add(overlaps + " hours given twice by the two joined export formats: the millisecond row kept");
        return of(name, prices, cleaning);
    }

    /**
     * The two series on the times both have, in order. A time one of them lacks is dropped, so
     * the return across it spans the gap.
     */
    public static PriceHistory[] aligned(PriceHistory a, PriceHistory b) {
        Map<Long, Integer> inB = new TreeMap<>();
        for (int j = 0; j < b.size(); j++) {
            inB.put(b.times[j], j);
        }
        List<long[]> pairs = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Integer j = inB.get(a.times[i]);
            if (j != null) {
                pairs.add(new long[] {i, j});
            }
        }
        long[] times = new long[pairs.size()];
        double[] closesA = new double[times.length];
        double[] closesB = new double[times.length];
        for (int k = 0; k < times.length; k++) {
            int i = (int) pairs.get(k)[0];
            times[k] = a.times[i];
            closesA[k] = a.closes[i];
            closesB[k] = b.closes[(int) pairs.get(k)[1]];
        }
        String note = "aligned with " + b.name + ": " + (a.size() - times.length) + " of " + a.size() + " times dropped";
        String otherNote = "aligned with " + a.name + ": " + (b.size() - times.length) + " of " + b.size() + " times dropped";
        return new PriceHistory[] {
            new PriceHistory(a.name, times, closesA, concat(a.cleaning, note)),
            new PriceHistory(b.name, times.clone(), closesB, concat(b.cleaning, otherNote))};
    }

    private static List<String> concat(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }

    private static PriceHistory of(String name, TreeMap<Long, Double> prices, List<String> cleaning) {
        long[] times = prices.keySet().stream().mapToLong(Long::longValue).toArray();
        double[] closes = prices.values().stream().mapToDouble(Double::doubleValue).toArray();
        return new PriceHistory(name, times, closes, cleaning);
    }

    private static List<String> lines(String resource) {
        try (InputStream raw = PriceHistory.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalArgumentException("no price data " + resource);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line.strip());
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
