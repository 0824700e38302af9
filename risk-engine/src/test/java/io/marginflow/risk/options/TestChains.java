package io.marginflow.risk.options;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/** The real Deribit BTC option-chain snapshots in the test resources (see SOURCES.md there). */
final class TestChains {

    private TestChains() {}

    /** The snapshot of {@code day} (yyyyMMdd). */
    static DeribitChain load(String day) {
        String name = "deribit/deribit_btc_option_chain_" + day + ".csv.gz";
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(TestChains.class.getResourceAsStream(name)), StandardCharsets.UTF_8))) {
            return DeribitChain.parse(in.lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
