package io.marginflow.demo;

import io.marginflow.risk.options.DeribitChain;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * The demo's BTC volatility surface: the smile shape of a real Deribit option chain
 * (2020-05-14, see {@code demo/data/SOURCES.md}) carried over to the replayed market.
 *
 * <p>No Deribit chain from March 2020 is available, so the surface is re-anchored: each chosen
 * Deribit expiry becomes a demo expiry about as far from the demo's start as it was from the
 * snapshot; each smile keeps its total implied variance σ²T at the same log-moneyness ln(K/F)
 * (so its option prices per unit of forward, and its freedom from arbitrage, carry over) and its
 * basis F/index, applied to the replayed index. Its level follows the market: with
 * {@code level} = 24-hour realised vol of the replayed index / the snapshot's at-the-money
 * vol σ_ref, between 1 and {@link #MAX_LEVEL}, every point gets the variance (level² − 1) σ_ref² added, which lifts an
 * at-the-money vol of σ_ref to level × σ_ref, so the surface rises in the crash, as real implied
 * vols did, and falls back after it.
 */
final class DemoSurface {

    /** One re-anchored smile: the demo expiry, the basis F/index, and vols at log-moneyness points. */
    private record Smile(Instant expiry, double basis, double[] logMoneyness, double[] vols) {}

    private final List<Smile> smiles;
    private final double referenceVol;

    private DemoSurface(List<Smile> smiles, double referenceVol) {
        this.smiles = smiles;
        this.referenceVol = referenceVol;
    }

    /**
     * @param expiries Deribit expiry (epoch millis in the chain) → demo expiry it becomes; the
     *        middle one's at-the-money vol is the reference level
     */
    static DemoSurface load(String resource, Instant start, Map<Long, Instant> expiries) {
        DeribitChain chain;
        try (InputStream raw = DemoSurface.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalArgumentException("no demo data " + resource);
            }
            chain = DeribitChain.parse(new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<Long, TreeMap<Double, double[]>> ivsByExpiry = new TreeMap<>();
        Map<Long, double[]> forwardAndIndexByExpiry = new TreeMap<>();
        long snapshot = Long.MIN_VALUE;
        for (DeribitChain.Row row : chain.rows()) {
            snapshot = Math.max(snapshot, row.timestampMillis());
            if (!expiries.containsKey(row.expiryMillis())) {
                continue;
            }
            // Per strike, the mean of the call's and the put's mark IV.
            double[] iv = ivsByExpiry.computeIfAbsent(row.expiryMillis(), e -> new TreeMap<>())
                    .computeIfAbsent(row.strike(), k -> new double[2]);
            iv[0] += row.markIv();
            iv[1]++;
            double[] sums = forwardAndIndexByExpiry.computeIfAbsent(row.expiryMillis(), e -> new double[2]);
            sums[0] += row.forward();
            sums[1] += row.index();
        }
        List<Smile> smiles = new ArrayList<>();
        long taken = snapshot;
        ivsByExpiry.forEach((expiry, ivs) -> {
            // σ²T kept: the demo's vol is the snapshot's × √(T at the snapshot / T at the demo's start).
            double rescale = Math.sqrt((double) (expiry - taken) / (expiries.get(expiry).toEpochMilli() - start.toEpochMilli()));
            // The expiry's forward (Deribit's underlying_price) and its basis over the index, averaged over the rows.
            double[] sums = forwardAndIndexByExpiry.get(expiry);
            int rows = ivs.values().stream().mapToInt(iv -> (int) iv[1]).sum();
            double forward = sums[0] / rows;
            double basis = sums[0] / sums[1];
            double[] logMoneyness = new double[ivs.size()];
            double[] vols = new double[ivs.size()];
            int j = 0;
            for (Map.Entry<Double, double[]> strike : ivs.entrySet()) {
                logMoneyness[j] = Math.log(strike.getKey() / forward);
                vols[j++] = rescale * strike.getValue()[0] / strike.getValue()[1];
            }
            smiles.add(new Smile(expiries.get(expiry), basis, logMoneyness, vols));
        });
        if (smiles.size() != expiries.size()) {
            throw new IllegalStateException("the chain " + resource + " lacks some of the expiries " + expiries.keySet());
        }
        Smile middle = smiles.get(smiles.size() / 2);
        return new DemoSurface(smiles, atTheMoney(middle));
    }

    private static double atTheMoney(Smile smile) {
        double best = Double.MAX_VALUE;
        double vol = smile.vols()[0];
        for (int j = 0; j < smile.vols().length; j++) {
            if (Math.abs(smile.logMoneyness()[j]) < best) {
                best = Math.abs(smile.logMoneyness()[j]);
                vol = smile.vols()[j];
            }
        }
        return vol;
    }

    /**
     * Highest level: ×2 lifts the at-the-money vol to about 160%. The trailing realised vol of
     * hourly returns reaches 700% annualised on 2020-03-12/13, far above anything options were
     * quoted at; uncapped, the short-dated smile also turns arbitrageable (the sequencer would
     * refuse it) from about ×2.5.
     */
    static final double MAX_LEVEL = 2.0;

    /** The level of the surface when the index's trailing 24-hour realised vol is {@code realisedVol}. */
    double level(double realisedVol) {
        return Math.min(MAX_LEVEL, Math.max(1.0, realisedVol / referenceVol));
    }

    double referenceVol() {
        return referenceVol;
    }

    /** The surface at {@code time} with the index at {@code index} and vols scaled by {@code level}. */
    VolSurface at(Instant time, double index, double level) {
        List<VolSmile> out = new ArrayList<>();
        for (Smile smile : smiles) {
            if (!smile.expiry().isAfter(time)) {
                continue;
            }
            double forward = index * smile.basis();
            List<SmilePoint> points = new ArrayList<>();
            for (int j = 0; j < smile.vols().length; j++) {
                // The level adds the same variance at every strike: the at-the-money vol scales by about
                // `level`, and the smile keeps its shape without its wings steepening into arbitrage.
                double vol = smile.vols()[j];
                points.add(new SmilePoint(forward * Math.exp(smile.logMoneyness()[j]),
                        Math.sqrt(vol * vol + (level * level - 1.0) * referenceVol * referenceVol)));
            }
            out.add(VolSmile.newBuilder().setExpiry(smile.expiry()).setForward(forward).setPoints(points).build());
        }
        return VolSurface.newBuilder().setUnderlying("BTC").setEventTime(time).setSmiles(out).build();
    }
}
