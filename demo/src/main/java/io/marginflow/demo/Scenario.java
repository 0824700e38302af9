package io.marginflow.demo;

import io.marginflow.config.Topics;
import io.marginflow.risk.options.Black76;
import io.marginflow.schema.ClockTick;
import io.marginflow.schema.CollateralHaircut;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.CollateralMovementKind;
import io.marginflow.schema.ExtremeMove;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.MarketSnapshot;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SnapshotMark;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.translation.EngineTypes;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The demo's market and its accounts, and the order they are published in: instruments (futures,
 * perpetuals and a ladder of BTC options on three expiries) and risk parameters, a year of daily
 * index closes to seed the return histories, then the synthetic accounts (collateral, positions
 * at 0.5x to 6x leverage, a quarter on option strategies; each deposit stamped before the fills
 * it funds), then Black Thursday's hourly prices, four snapshots an hour with the clock ticking
 * in between, a volatility surface republished every hour, one fat-fingered mark and the first
 * option expiry settled mid-crash. Everything follows from the real data and the seed.
 */
final class Scenario {

    static final Instant EXPIRY = Instant.parse("2020-03-27T08:00:00Z");
    /** The option expiries, each standing for a Deribit expiry about as far from its snapshot. */
    private static final Map<Long, Instant> OPTION_EXPIRIES = new TreeMap<>(Map.of(
            1_589_529_600_000L, Instant.parse("2020-03-12T08:00:00Z"),   // 15MAY20, 1.1 days after the snapshot
            1_590_739_200_000L, EXPIRY,                                  // 29MAY20, 15 days
            1_593_158_400_000L, Instant.parse("2020-04-24T08:00:00Z"))); // 26JUN20, 43 days
    static final Instant FIRST_OPTION_EXPIRY = Instant.parse("2020-03-12T08:00:00Z");
    private static final double OPTION_ACCOUNT_SHARE = 0.25;
    private static final double STRIKE_STEP = 500.0;
    private static final double FUTURES_PREMIUM = 1.003;
    private static final long SEED = 20200312L;
    final List<Candle> btc = Candle.read("data/window_20200311_20200314_cdd_binance_spot_btcusdt_1h.csv.gz");
    final List<Candle> eth = Candle.read("data/window_20200311_20200314_cdd_binance_spot_ethusdt_1h.csv.gz");
    final DemoSurface surface = DemoSurface.load("data/deribit_btc_option_chain_20200514.csv.gz",
            btc.get(0).start(), OPTION_EXPIRIES);
    /** The strategy of each option account, and one account per strategy and expiry whose story is told. */
    final Map<String, Strategy> strategies = new TreeMap<>();
    final Map<String, String> storyOf = new TreeMap<>();
    double peakVolLevel = 1.0;
    double settlementPrice;
    final FatFinger fatFinger;
    private final int accountCount;
    private final DemoTally tally;

    /** @param holdPrices whether the price guard holds jumps (or only reports them) */
    Scenario(int accountCount, boolean holdPrices, DemoTally tally) {
        this.accountCount = accountCount;
        this.fatFinger = new FatFinger(holdPrices);
        this.tally = tally;
    }

    /** The id of synthetic account {@code n} (1, 2, …): {@code ACC-00001}. */
    static String accountId(int n) {
        return "ACC-" + String.format("%05d", n);
    }

    /**
     * Publishes the market, then (once every engine partition has it) the accounts, then (once
     * they are all margined) the window's prices hour by hour.
     */
    void publish(Publisher out, Topics topics, Runnable awaitProcessed, Consumer<String> say, Consumer<String> progress) {
        Instant t0 = btc.get(0).start();
        // Listed an hour before the window opens, so that no price or fill of the window precedes them.
        Instant listed = t0.minus(1, ChronoUnit.HOURS);
        for (Instrument instrument : instruments(listed)) {
            out.send(topics.instruments(), instrument.getInstrumentId(), instrument, "instruments");
        }
        List<Instrument> options = options(listed, btc.get(0).open());
        for (Instrument option : options) {
            out.send(topics.instruments(), option.getInstrumentId(), option, "option instruments");
        }
        out.send(topics.parameters(), "BTC", parameters("BTC", 0.16, 0.10, t0), "risk parameters");
        out.send(topics.parameters(), "ETH", parameters("ETH", 0.20, 0.15, t0), "risk parameters");
        seedHistory(out, topics);
        publishPrices(out, topics, 0, 0, t0);
        // As at a real venue, instruments are listed before anyone trades them.
        out.flush();
        awaitProcessed.run();
        say.accept("instruments, parameters, a year of daily index history and opening prices are in every engine partition");
        StressDemo.publishScenarios(out, topics);
        say.accept("the stress scenarios of deploy/stress-scenarios.jsonl are published; accounts belong to "
                + StressDemo.MEMBERS + " clearing members");

        Random random = new Random(SEED);
        Fill firstFill = null;
        for (int a = 1; a <= accountCount; a++) {
            String account = accountId(a);
            Fill fill = random.nextDouble() < OPTION_ACCOUNT_SHARE
                    ? publishOptionAccount(out, topics, random, account, options, t0)
                    : publishAccount(out, topics, random, account, t0.plusSeconds(30));
            firstFill = firstFill == null ? fill : firstFill;
        }
        // What clearinghouses really send now and then: a re-published fill and a record that is not Avro.
        out.send(topics.fills(), firstFill.getAccount(), firstFill, "re-published fills");
        out.sendBytes(topics.fills(), "ACC-00002", "{\"fill\":\"not avro\"}".getBytes(StandardCharsets.UTF_8));
        // Every account is margined before the window opens: the fills' sequencer tasks are not left to race the prices
        // (an option fill journalled after its expiry's settlement would be refused, and the figures differ run to run).
        out.flush();
        awaitProcessed.run();
        say.accept(String.format("published %,d accounts (%,d with options) with their collateral and positions;"
                + " replaying %d hours of prices", accountCount, strategies.size(), btc.size()));

        for (int hour = 0; hour < btc.size(); hour++) {
            for (int tick = 0; tick < 4; tick++) {
                Instant time = btc.get(hour).start().plus(15L * tick, ChronoUnit.MINUTES);
                publishPrices(out, topics, hour, tick, time);
                fatFinger.publishAfter(out, topics, hour, tick, time, btc.get(hour).ticks()[tick], tally);
                publishClock(out, topics, time);
            }
            progress.accept(String.format("market time %s, BTC %,.0f (hour %d of %d published)",
                    btc.get(hour).start().plus(1, ChronoUnit.HOURS), btc.get(hour).close(), hour + 1, btc.size()));
        }
    }

    /**
     * One tick of market time: per underlying a snapshot (the index and both marks, applied
     * together, so a hedge of a perpetual against the future never looks half moved), the
     * settlement at the first option expiry, and every hour a new BTC surface.
     */
    private void publishPrices(Publisher out, Topics topics, int hour, int tick, Instant time) {
        for (String underlying : List.of("BTC", "ETH")) {
            double price = (underlying.equals("BTC") ? btc : eth).get(hour).ticks()[tick];
            out.send(topics.snapshots(), underlying, MarketSnapshot.newBuilder().setUnderlying(underlying).setIndex(price)
                    .setMarks(List.of(new SnapshotMark(underlying + "-PERPETUAL", price),
                            new SnapshotMark(underlying + "-27MAR20", price * FUTURES_PREMIUM)))
                    .setEventTime(time).build(), "market snapshots");
            if (underlying.equals("BTC") && time.equals(FIRST_OPTION_EXPIRY)) {
                // Delivery: the index at expiry settles the expiring options (Deribit uses a 30-minute average).
                settlementPrice = price;
                out.send(topics.prices(), "BTC", price("BTC", price, PriceKind.SETTLEMENT, time), "settlement prices");
            }
            if (underlying.equals("BTC") && tick == 0) {
                double level = surface.level(realisedVol(hour));
                peakVolLevel = Math.max(peakVolLevel, level);
                out.send(topics.volSurfaces(), "BTC", surface.at(time, price, level), "volatility surfaces");
            }
        }
    }

    /** The clearinghouse's clock every five minutes between two ticks, as {@code marginflow heartbeat} publishes it. */
    private static void publishClock(Publisher out, Topics topics, Instant tick) {
        for (int minutes = 5; minutes < 15; minutes += 5) {
            out.send(topics.clock(), InputRecords.CLOCK_KEY, new ClockTick(tick.plus(minutes, ChronoUnit.MINUTES)), "clock ticks");
        }
    }

    /** A synthetic account: USD (and sometimes BTC) collateral and one to three positions at 0.5x–6x leverage. */
    private Fill publishAccount(Publisher out, Topics topics, Random random, String account, Instant time) {
        double usd = Math.round(5_000 * Math.pow(20, random.nextDouble()));
        out.send(topics.collateral(), account, movement(account + "-D1", account, "USD", BigDecimal.valueOf(usd), time),
                "collateral movements");
        double collateral = usd;
        if (random.nextDouble() < 0.2) {
            BigDecimal coins = BigDecimal.valueOf(0.1 + 1.9 * random.nextDouble()).setScale(3, RoundingMode.HALF_EVEN);
            out.send(topics.collateral(), account, movement(account + "-D2", account, "BTC", coins, time),
                    "collateral movements");
            collateral += coins.doubleValue() * btc.get(0).open() * 0.9;
        }
        List<String> instruments = new ArrayList<>(List.of("BTC-PERPETUAL", "BTC-27MAR20", "ETH-PERPETUAL", "ETH-27MAR20"));
        java.util.Collections.shuffle(instruments, random);
        int positions = 1 + random.nextInt(3);
        double leverage = 0.5 + 5.5 * random.nextDouble();
        boolean hedged = random.nextDouble() < 0.15;
        double side = random.nextDouble() < 0.6 ? 1 : -1;
        Fill first = null;
        for (int p = 0; p < positions; p++) {
            String instrument = instruments.get(p);
            double price = instrument.startsWith("BTC") ? btc.get(0).open() : eth.get(0).open();
            price = instrument.endsWith("27MAR20") ? price * FUTURES_PREMIUM : price;
            double notional = collateral * leverage / positions;
            double direction = hedged && p % 2 == 1 ? -side : (hedged ? side : (random.nextDouble() < 0.6 ? 1 : -1));
            BigDecimal quantity = BigDecimal.valueOf(direction * Math.max(0.001, notional / price)).setScale(3, RoundingMode.HALF_EVEN);
            Fill fill = Fill.newBuilder()
                    .setFillId(account + "-F" + (p + 1)).setAccount(account).setInstrument(instrument)
                    .setQuantity(quantity.setScale(18)).setPrice(price)
                    .setFee(BigDecimal.valueOf(notional * 0.0005).setScale(2, RoundingMode.HALF_EVEN).setScale(18))
                    .setFeeAsset("USD").setEventTime(time.plusSeconds(30)).setSequence(p + 1)
                    .setMember(StressDemo.memberOf(account)).build();
            out.send(topics.fills(), account, fill, "fills");
            first = first == null ? fill : first;
        }
        return first;
    }

    /**
     * A year of daily BTC and ETH index closes before the window (CoinGecko, 2019-03-10 to
     * 2020-03-10), published as INDEX prices at their own event times: the engine samples them
     * into its return histories, so VaR/ES and correlation offsets work from the first fill.
     */
    private void seedHistory(Publisher out, Topics topics) {
        for (String underlying : List.of("BTC", "ETH")) {
            String resource = "data/coingecko_" + underlying.toLowerCase(java.util.Locale.ROOT)
                    + "_usd_daily_20190310_20200310.csv.gz";
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                    Demo.class.getResourceAsStream(resource)), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!Character.isDigit(line.charAt(0))) {
                        continue; // the header
                    }
                    String[] cells = line.split(",", -1);
                    Instant day = Instant.parse(cells[0].replace(" UTC", "Z").replace(' ', 'T'));
                    out.send(topics.prices(), underlying, price(underlying, Double.parseDouble(cells[1]), PriceKind.INDEX, day),
                            "index history (seed)");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** What an option account trades; each is sized to the account's collateral. */
    enum Strategy {
        SHORT_STRANGLE("short strangle"), COVERED_CALL("covered call"), PROTECTIVE_PUT("protective put"),
        LONG_STRADDLE("long straddle"), SHORT_PUT("short put"), CALL_SPREAD("bull call spread");

        final String label;

        Strategy(String label) {
            this.label = label;
        }
    }

    /**
     * An option account: USD collateral and one strategy on one expiry, each option filled at
     * its value on the opening surface.
     */
    private Fill publishOptionAccount(Publisher out, Topics topics, Random random, String account,
                                      List<Instrument> options, Instant t0) {
        Instant time = t0.plusSeconds(30);
        double usd = Math.round(5_000 * Math.pow(20, random.nextDouble()));
        out.send(topics.collateral(), account, movement(account + "-D1", account, "USD", BigDecimal.valueOf(usd), time),
                "collateral movements");
        Strategy strategy = Strategy.values()[random.nextInt(Strategy.values().length)];
        strategies.put(account, strategy);
        Instant expiry = List.copyOf(OPTION_EXPIRIES.values()).get(random.nextInt(OPTION_EXPIRIES.size()));
        if (storyOf.putIfAbsent(strategy + " " + expiry, account) == null) {
            tally.watch(account);
        }
        double spot = btc.get(0).open();
        int contracts = (int) Math.max(1, Math.round(usd * (0.5 + 2.5 * random.nextDouble()) / spot));
        List<Fill> fills = new ArrayList<>();
        switch (strategy) {
            case SHORT_STRANGLE -> {
                fills.add(optionFill(account, options, expiry, OptionType.CALL, spot * 1.15, -contracts, t0));
                fills.add(optionFill(account, options, expiry, OptionType.PUT, spot * 0.85, -contracts, t0));
            }
            case COVERED_CALL -> {
                fills.add(perpetualFill(account, contracts, spot, t0));
                fills.add(optionFill(account, options, expiry, OptionType.CALL, spot * 1.10, -contracts, t0));
            }
            case PROTECTIVE_PUT -> {
                fills.add(perpetualFill(account, contracts, spot, t0));
                fills.add(optionFill(account, options, expiry, OptionType.PUT, spot * 0.90, contracts, t0));
            }
            case LONG_STRADDLE -> {
                fills.add(optionFill(account, options, expiry, OptionType.CALL, spot, contracts, t0));
                fills.add(optionFill(account, options, expiry, OptionType.PUT, spot, contracts, t0));
            }
            case SHORT_PUT -> fills.add(optionFill(account, options, expiry, OptionType.PUT, spot * 0.90, -contracts, t0));
            case CALL_SPREAD -> {
                fills.add(optionFill(account, options, expiry, OptionType.CALL, spot, contracts, t0));
                fills.add(optionFill(account, options, expiry, OptionType.CALL, spot * 1.15, -contracts, t0));
            }
        }
        for (int f = 0; f < fills.size(); f++) {
            Fill fill = Fill.newBuilder(fills.get(f)).setFillId(account + "-F" + (f + 1)).setSequence(f + 1).build();
            out.send(topics.fills(), account, fill, fill.getInstrument().endsWith("PERPETUAL") ? "fills" : "option fills");
            fills.set(f, fill);
        }
        return fills.get(0);
    }

    private Fill perpetualFill(String account, int contracts, double price, Instant t0) {
        return fill(account, "BTC-PERPETUAL", contracts, price, t0);
    }

    /** A fill of the listed option nearest {@code strike}, at its value on the opening surface. */
    private Fill optionFill(String account, List<Instrument> options, Instant expiry, OptionType type, double strike,
                            int contracts, Instant t0) {
        Instrument option = options.stream()
                .filter(o -> o.getExpiry().equals(expiry) && o.getOptionType() == type)
                .min(Comparator.comparingDouble(o -> Math.abs(o.getStrike() - strike))).orElseThrow();
        var opening = EngineTypes.volSurface(surface.at(t0, btc.get(0).open(), 1.0));
        double years = io.marginflow.risk.options.VolSurface.yearsBetween(t0.toEpochMilli(), expiry.toEpochMilli());
        double value = Black76.price(io.marginflow.risk.options.OptionType.valueOf(type.name()),
                opening.forward(expiry.toEpochMilli()), option.getStrike(), years,
                opening.vol(option.getStrike(), expiry.toEpochMilli()), 0.0);
        // A price is positive; a far out-of-the-money option trades at one tick at least.
        return fill(account, option.getInstrumentId(), contracts, Math.max(option.getTickSize(), value), t0);
    }

    private static Fill fill(String account, String instrument, int contracts, double price, Instant t0) {
        return Fill.newBuilder()
                .setFillId(account).setAccount(account).setInstrument(instrument)
                .setQuantity(BigDecimal.valueOf(contracts).setScale(18)).setPrice(price)
                .setFee(BigDecimal.ZERO.setScale(18)).setFeeAsset("USD").setEventTime(t0.plusSeconds(60))
                .setSequence(1).setMember(StressDemo.memberOf(account)).build();
    }

    /** BTC options at every 500 USD from half to one and a half times the opening price, on each expiry. */
    private static List<Instrument> options(Instant time, double spot) {
        List<Instrument> options = new ArrayList<>();
        java.time.format.DateTimeFormatter code = java.time.format.DateTimeFormatter.ofPattern("dMMMyy", java.util.Locale.ROOT)
                .withZone(java.time.ZoneOffset.UTC);
        for (Instant expiry : OPTION_EXPIRIES.values()) {
            for (double strike = Math.ceil(spot * 0.5 / STRIKE_STEP) * STRIKE_STEP; strike <= spot * 1.5; strike += STRIKE_STEP) {
                for (OptionType type : OptionType.values()) {
                    String id = "BTC-" + code.format(expiry).toUpperCase(java.util.Locale.ROOT) + "-" + (long) strike
                            + "-" + type.name().charAt(0);
                    options.add(Instrument.newBuilder(instrument(id, InstrumentKind.OPTION, "BTC", expiry, time))
                            .setStrike(strike).setOptionType(type).build());
                }
            }
        }
        return options;
    }

    /**
     * Annualised realised volatility of the BTC index over the 24 hours before {@code hour}
     * (hourly log returns of the closes, zero mean); 0 in the first two hours.
     */
    private double realisedVol(int hour) {
        int from = Math.max(1, hour - 24);
        double sum = 0.0;
        int n = 0;
        for (int h = from; h < hour; h++) {
            double r = Math.log(btc.get(h).close() / btc.get(h - 1).close());
            sum += r * r;
            n++;
        }
        return n < 2 ? 0.0 : Math.sqrt(sum / n * 24 * 365);
    }

    private static List<Instrument> instruments(Instant time) {
        List<Instrument> instruments = new ArrayList<>();
        for (String underlying : List.of("BTC", "ETH")) {
            instruments.add(instrument(underlying + "-PERPETUAL", InstrumentKind.PERPETUAL, underlying, null, time));
            instruments.add(instrument(underlying + "-27MAR20", InstrumentKind.FUTURE, underlying, EXPIRY, time));
        }
        return instruments;
    }

    private static Instrument instrument(String id, InstrumentKind kind, String underlying, Instant expiry, Instant time) {
        return Instrument.newBuilder().setInstrumentId(id).setKind(kind).setUnderlying(underlying).setExpiry(expiry)
                .setContractMultiplier(BigDecimal.ONE.setScale(18)).setSettlementAsset("USD").setTickSize(0.5)
                .setState(InstrumentState.ACTIVE).setEventTime(time).build();
    }

    private RiskParameters parameters(String underlying, double scanRange, double haircut, Instant time) {
        return fatFinger.guarded(RiskParameters.newBuilder()).setUnderlying(underlying).setVersion(1).setEffectiveTime(time)
                .setPriceScanRange(scanRange).setPriceScanSteps(9).setVolShockUp(0.3).setVolShockDown(0.2)
                .setVolShockExpiryExponent(0.5).setShortOptionMinimum(0.01).setMaxOffsetCredit(0.3)
                .setExtremeMoves(List.of(new ExtremeMove(-0.5, 0.25), new ExtremeMove(1.0, 0.25)))
                .setVarConfidence(0.99).setEsConfidence(0.975).setMarginPeriodOfRiskDays(2).setEwmaLambda(0.94)
                .setMaintenanceToInitialRatio(0.5)
                .setCollateralHaircuts(List.of(new CollateralHaircut(underlying, haircut)))
                .setCallGracePeriodMillis(Duration.ofHours(1).toMillis()).build();
    }

    private static PriceUpdate price(String id, double price, PriceKind kind, Instant time) {
        return PriceUpdate.newBuilder().setInstrument(id).setPrice(price).setKind(kind).setEventTime(time).build();
    }

    private static CollateralMovement movement(String id, String account, String asset, BigDecimal amount, Instant time) {
        return CollateralMovement.newBuilder().setMovementId(id).setAccount(account).setAsset(asset)
                .setAmount(amount.setScale(18)).setKind(CollateralMovementKind.DEPOSIT).setEventTime(time)
                .setMember(StressDemo.memberOf(account)).build();
    }
}
