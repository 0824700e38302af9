package io.marginflow.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** One hourly candle of the demo's market data (see {@code demo/data/SOURCES.md}). */
record Candle(Instant start, double open, double high, double low, double close) {

    /**
     * Reads a CryptoDataDownload hourly export ({@code unix,date,symbol,open,high,low,close,...},
     * newest row first, unix time in seconds or milliseconds) and returns it oldest first.
     */
    static List<Candle> read(String resource) {
        try (InputStream raw = Candle.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalArgumentException("no demo data " + resource);
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            List<Candle> candles = new ArrayList<>();
            String line;
            while ((line = lines.readLine()) != null) {
                String[] cells = line.split(",", -1);
                if (cells.length < 7 || !Character.isDigit(cells[0].charAt(0))) {
                    continue; // header or banner
                }
                long unix = (long) Double.parseDouble(cells[0]);
                long millis = unix < 100_000_000_000L ? unix * 1000 : unix;
                candles.add(new Candle(Instant.ofEpochMilli(millis), Double.parseDouble(cells[3]),
                        Double.parseDouble(cells[4]), Double.parseDouble(cells[5]), Double.parseDouble(cells[6])));
            }
            candles.sort(Comparator.comparing(Candle::start));
            return candles;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hour as four ticks: open, the extreme the candle visited first, the other extreme, close. */
    double[] ticks() {
        return close >= open ? new double[] {open, low, high, close} : new double[] {open, high, low, close};
    }
}
