package io.marginflow.demo;

import io.marginflow.app.MarginflowApp;
import io.marginflow.config.MarginflowConfig;
import io.marginflow.config.Topics;
import io.marginflow.app.TopicSetup;
import io.marginflow.embedded.ConsumerGroupLag;
import io.marginflow.embedded.EmbeddedKafka;
import io.marginflow.registry.InMemorySchemaRegistry;
import io.marginflow.registry.SchemaRegistry;
import io.marginflow.schema.CollateralHaircut;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.CollateralMovementKind;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.ExtremeMove;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.LiquidationSignal;
import io.marginflow.schema.LiquidationTransition;
import io.marginflow.schema.MarginCallEvent;
import io.marginflow.schema.MarginCallTransition;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.MarginStatus;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.UnderlyingMargin;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RiskParameters;
import io.marginflow.risk.options.Black76;
import io.marginflow.sequencer.InputRecords;
import io.marginflow.translation.EngineTypes;
import io.marginflow.serde.SpecificAvroDeserializer;
import io.marginflow.serde.SpecificAvroSerde;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.common.IsolationLevel;

/**
 * The embedded demo, README's first command: a real Kafka broker in this JVM, the topics, the
 * Marginflow application, and Black Thursday (2020-03-11 to 2020-03-14, real Binance hourly
 * BTC and ETH prices) replayed against a seeded population of synthetic accounts trading
 * perpetuals, futures and BTC options. Options are priced from a volatility surface with the
 * smile of a real Deribit chain ({@link DemoSurface}), republished every hour; the options of
 * the first expiry settle in the middle of the crash. Prints progress, then a summary a risk
 * officer would want, and cleans up after itself.
 *
 * <p>Arguments: {@code [accounts]} (default 2000).
 */
public final class Demo {

    private static final Instant EXPIRY = Instant.parse("2020-03-27T08:00:00Z");
    /** The option expiries, each standing for a Deribit expiry about as far from its snapshot. */
    private static final Map<Long, Instant> OPTION_EXPIRIES = new TreeMap<>(Map.of(
            1_589_529_600_000L, Instant.parse("2020-03-12T08:00:00Z"),   // 15MAY20, 1.1 days after the snapshot
            1_590_739_200_000L, EXPIRY,                                  // 29MAY20, 15 days
            1_593_158_400_000L, Instant.parse("2020-04-24T08:00:00Z"))); // 26JUN20, 43 days
    private static final Instant FIRST_OPTION_EXPIRY = Instant.parse("2020-03-12T08:00:00Z");
    private static final double OPTION_ACCOUNT_SHARE = 0.25;
    private static final double STRIKE_STEP = 500.0;
    private static final double FUTURES_PREMIUM = 1.003;
    private static final long SEED = 20200312L;

    private final int accountCount;
    private final Path work;
    private final List<Candle> btc = Candle.read("data/window_20200311_20200314_cdd_binance_spot_btcusdt_1h.csv.gz");
    private final List<Candle> eth = Candle.read("data/window_20200311_20200314_cdd_binance_spot_ethusdt_1h.csv.gz");
    private final DemoSurface surface = DemoSurface.load("data/deribit_btc_option_chain_20200514.csv.gz",
            btc.get(0).start(), OPTION_EXPIRIES);
    private final DemoTally tally = new DemoTally();
    /** The strategy of each option account, and one account per strategy whose story is told. */
    private final Map<String, Strategy> strategies = new TreeMap<>();
    private final Map<String, String> storyOf = new TreeMap<>();
    private double peakVolLevel = 1.0;
    private double settlementPrice;
    private final Map<String, Long> published = new TreeMap<>();
    private final long started = System.nanoTime();

    private Demo(int accountCount, Path work) {
        this.accountCount = accountCount;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        Path work = Files.createTempDirectory("marginflow-demo-");
        try {
            new Demo(accounts, work).run();
        } finally {
            deleteRecursively(work);
        }
        System.exit(0); // the embedded broker leaves non-daemon threads behind
    }

    private void run() throws Exception {
        say("starting an embedded Kafka broker (KRaft, in this JVM)");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            MarginflowConfig config = MarginflowConfig.of(Map.of(
                    "bootstrap.servers", kafka.bootstrapServers(),
                    "application.id", "marginflow-demo",
                    "schema.registry.url", "mock://marginflow-demo",
                    "topics.partitions", "3",
                    "state.dir", work.resolve("state").toString(),
                    "num.stream.threads", "2"));
            Topics topics = config.topics();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                say("created topics " + TopicSetup.createMissing(admin, topics));
                SchemaRegistry registry = InMemorySchemaRegistry.scope("marginflow-demo");
                try (KafkaStreams streams = MarginflowApp.start(config, registry)) {
                    awaitRunning(streams);
                    say("Marginflow is running: sequencer → risk.journal (3 partitions) → margin engine");
                    OutputReader reader = new OutputReader(kafka.bootstrapServers(), topics, registry);
                    Thread readerThread = new Thread(reader, "demo-output-reader");
                    readerThread.start();
                    publishEverything(kafka.bootstrapServers(), topics, registry, () -> {
                        try {
                            awaitProcessed(admin, config, topics, reader);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    awaitProcessed(admin, config, topics, reader);
                    reader.stop();
                    readerThread.join();
                    printSummary();
                }
            }
        }
    }

    // --- inputs --------------------------------------------------------------------------

    private void publishEverything(String bootstrap, Topics topics, SchemaRegistry registry, Runnable awaitProcessed) {
        try (Publisher out = new Publisher(bootstrap, registry)) {
            Instant t0 = btc.get(0).start();
            for (Instrument instrument : instruments(t0)) {
                out.send(topics.instruments(), instrument.getInstrumentId(), instrument, "instruments");
            }
            List<Instrument> options = options(t0, btc.get(0).open());
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
            say("instruments, parameters, a year of daily index history and opening prices are in every engine partition");

            Random random = new Random(SEED);
            Fill firstFill = null;
            for (int a = 1; a <= accountCount; a++) {
                String account = "ACC-" + String.format("%05d", a);
                Fill fill = random.nextDouble() < OPTION_ACCOUNT_SHARE
                        ? publishOptionAccount(out, topics, random, account, options, t0)
                        : publishAccount(out, topics, random, account, t0.plusSeconds(30));
                firstFill = firstFill == null ? fill : firstFill;
            }
            // What clearinghouses really send now and then: a re-published fill and a record that is not Avro.
            out.send(topics.fills(), firstFill.getAccount(), firstFill, "re-published fills");
            out.sendBytes(topics.fills(), "ACC-00002", "{\"fill\":\"not avro\"}".getBytes(StandardCharsets.UTF_8));
            say(String.format("published %,d accounts (%,d with options) with their collateral and positions;"
                    + " replaying %d hours of prices", accountCount, strategies.size(), btc.size()));

            for (int hour = 0; hour < btc.size(); hour++) {
                for (int tick = 0; tick < 4; tick++) {
                    publishPrices(out, topics, hour, tick, btc.get(hour).start().plus(15L * tick, ChronoUnit.MINUTES));
                }
                progress(hour + 1 < btc.size() ? "hour " + (hour + 1) + "/" + btc.size() : "all prices published");
            }
        }
    }

    private void publishPrices(Publisher out, Topics topics, int hour, int tick, Instant time) {
        for (String underlying : List.of("BTC", "ETH")) {
            double price = (underlying.equals("BTC") ? btc : eth).get(hour).ticks()[tick];
            out.send(topics.prices(), underlying, price(underlying, price, PriceKind.INDEX, time), "prices");
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
            out.send(topics.prices(), underlying + "-PERPETUAL",
                    price(underlying + "-PERPETUAL", price, PriceKind.MARK, time), "prices");
            out.send(topics.prices(), underlying + "-27MAR20",
                    price(underlying + "-27MAR20", price * FUTURES_PREMIUM, PriceKind.MARK, time), "prices");
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
                    .setFeeAsset("USD").setEventTime(time.plusSeconds(30)).setSequence(p + 1).build();
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
                    String[] cells = line.split(",");
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
                .setSequence(1).build();
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

    private static RiskParameters parameters(String underlying, double scanRange, double haircut, Instant time) {
        return RiskParameters.newBuilder().setUnderlying(underlying).setVersion(1).setEffectiveTime(time)
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
                .setAmount(amount.setScale(18)).setKind(CollateralMovementKind.DEPOSIT).setEventTime(time).build();
    }

    /** A producer of contract records in the wire format, counting what it sends by kind. */
    private final class Publisher implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final SchemaRegistry registry;
        private final Map<Class<?>, org.apache.kafka.common.serialization.Serializer<SpecificRecord>> serializers = new HashMap<>();

        Publisher(String bootstrap, SchemaRegistry registry) {
            this.registry = registry;
            this.producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer());
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        void send(String topic, String key, SpecificRecord record, String kind) {
            var serializer = serializers.computeIfAbsent(record.getClass(),
                    type -> SpecificAvroSerde.forSink((Class) type, registry));
            // Stamped with event time, so that the sequencer merges its inputs in event-time order.
            producer.send(new ProducerRecord<>(topic, null, InputRecords.eventTime(record).toEpochMilli(), key,
                    serializer.serialize(topic, record)));
            synchronized (published) {
                published.merge(kind, 1L, Long::sum);
            }
        }

        void flush() {
            producer.flush();
        }

        void sendBytes(String topic, String key, byte[] value) {
            producer.send(new ProducerRecord<>(topic, key, value));
            synchronized (published) {
                published.merge("malformed records", 1L, Long::sum);
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    // --- outputs -------------------------------------------------------------------------

    /** Reads every output topic with read_committed, as a liquidation service would. */
    private final class OutputReader implements Runnable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Topics topics;
        private final SpecificAvroDeserializer<MarginResult> results;
        private final SpecificAvroDeserializer<MarginCallEvent> calls;
        private final SpecificAvroDeserializer<LiquidationSignal> liquidations;
        private final SpecificAvroDeserializer<DeadLetter> deadLetters;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile boolean caughtUp;

        OutputReader(String bootstrap, Topics topics, SchemaRegistry registry) {
            this.topics = topics;
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "marginflow-demo-reader",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase()),
                    new StringDeserializer(), new ByteArrayDeserializer());
            this.results = new SpecificAvroDeserializer<>(MarginResult.class, registry);
            this.calls = new SpecificAvroDeserializer<>(MarginCallEvent.class, registry);
            this.liquidations = new SpecificAvroDeserializer<>(LiquidationSignal.class, registry);
            this.deadLetters = new SpecificAvroDeserializer<>(DeadLetter.class, registry);
        }

        @Override
        public void run() {
            try (consumer) {
                consumer.subscribe(topics.outputs());
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        String topic = record.topic();
                        if (topic.equals(topics.margin())) {
                            tally.result(results.deserialize(topic, record.value()));
                        } else if (topic.equals(topics.marginCalls())) {
                            tally.call(calls.deserialize(topic, record.value()));
                        } else if (topic.equals(topics.liquidations())) {
                            tally.liquidation(liquidations.deserialize(topic, record.value()));
                        } else {
                            tally.deadLetter(deadLetters.deserialize(topic, record.value()));
                        }
                    }
                    Set<TopicPartition> assigned = consumer.assignment();
                    Map<TopicPartition, Long> ends = consumer.endOffsets(assigned);
                    caughtUp = assigned.size() == topics.outputs().size() * topics.partitions()
                            && ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
                }
            }
        }

        void stop() {
            running.set(false);
        }
    }

    /** Waits until the application has consumed every input and journal record and the reader has every output. */
    private void awaitProcessed(Admin admin, MarginflowConfig config, Topics topics, OutputReader reader) throws Exception {
        String group = config.get("application.id");
        int settled = 0;
        while (settled < 3) {
            Thread.sleep(1_000);
            long inputLag = ConsumerGroupLag.of(admin, group, topics.inputs(), 0);
            long journalLag = ConsumerGroupLag.of(admin, group, List.of(topics.journal()), 1);
            progress(String.format("engine catching up: %,d input and %,d journal records to go", inputLag, journalLag));
            settled = inputLag == 0 && journalLag == 0 && reader.caughtUp ? settled + 1 : 0;
        }
    }

    // --- reporting -----------------------------------------------------------------------

    private final AtomicLong lastProgress = new AtomicLong();

    private void progress(String stage) {
        long now = System.nanoTime();
        if (now - lastProgress.get() < Duration.ofSeconds(3).toNanos()) {
            return;
        }
        lastProgress.set(now);
        say(String.format("%s | results %,d | calls issued %,d | liquidations started %,d",
                stage, tally.results.get(), tally.calls(MarginCallTransition.ISSUED),
                tally.liquidations(LiquidationTransition.STARTED)));
    }

    private void printSummary() {
        double seconds = (System.nanoTime() - started) / 1e9;
        long inputs = published.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder out = new StringBuilder("\n");
        out.append(String.format("Marginflow demo: %,d accounts through Black Thursday, %s to %s (Binance hourly, CryptoDataDownload)%n",
                accountCount, btc.get(0).start(), btc.get(btc.size() - 1).start().plus(1, ChronoUnit.HOURS)));
        out.append(String.format("  BTC %,.0f → %,.0f (low %,.0f)    ETH %,.2f → %,.2f (low %,.2f)%n%n",
                btc.get(0).open(), btc.get(btc.size() - 1).close(), btc.stream().mapToDouble(Candle::low).min().orElseThrow(),
                eth.get(0).open(), eth.get(eth.size() - 1).close(), eth.stream().mapToDouble(Candle::low).min().orElseThrow()));
        out.append(String.format("Input events      %,d (wall time %.1f s, broker start and topic creation included;"
                + " throughput is measured by the benchmarks, see BENCHMARKS.md)%n", inputs, seconds));
        published.forEach((kind, count) -> out.append(String.format("    %-22s %,10d%n", kind, count)));
        out.append(String.format("Margin results    %,d%n", tally.results.get()));
        out.append(String.format("Margin calls      issued %,d · met %,d · escalated %,d%n", tally.calls(MarginCallTransition.ISSUED),
                tally.calls(MarginCallTransition.MET), tally.calls(MarginCallTransition.ESCALATED)));
        out.append(String.format("Liquidations      started %,d · ended %,d%n", tally.liquidations(LiquidationTransition.STARTED),
                tally.liquidations(LiquidationTransition.ENDED)));
        out.append("Dead letters      ").append(tally.deadLetters.isEmpty() ? "none" : tally.deadLetters.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" · "))).append("\n\n");

        out.append("Over time (6-hour buckets of event time)   BTC close   calls issued   liquidations started\n");
        for (int hour = 5; hour < btc.size(); hour += 6) {
            Instant bucket = btc.get(hour).start().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.HOURS);
            long[] counts = tally.timeline.getOrDefault(bucket, new long[2]);
            out.append(String.format("  %s    %,9.0f   %12d   %20d  %s%n", bucket, btc.get(hour).close(), counts[0], counts[1],
                    "#".repeat((int) Math.min(60, counts[1] / Math.max(1, accountCount / 400)))));
        }

        printStatisticalLayer(out);
        printOptions(out);

        Map<MarginStatus, Long> statuses = tally.latest.values().stream()
                .collect(Collectors.groupingBy(MarginResult::getStatus, TreeMap::new, Collectors.counting()));
        out.append("\nStatus at the end  ").append(statuses.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" · "))).append("\n");
        out.append("Worst accounts at the end (lowest excess over initial margin; nobody closes positions here:\n"
                + "liquidation signals are for a downstream liquidation service, so losses keep running)\n");
        out.append("  account      status          equity (USD)        IM (USD)        MM (USD)      excess (USD)\n");
        tally.latest.values().stream()
                .sorted(Comparator.comparing(MarginResult::getExcess).thenComparing(MarginResult::getAccount))
                .limit(10)
                .forEach(r -> out.append(String.format("  %-11s  %-12s %15s %15s %15s %17s%n", r.getAccount(), r.getStatus(),
                        usd(r.getEquity()), usd(r.getInitialMargin()), usd(r.getMaintenanceMargin()), usd(r.getExcess()))));
        System.out.print(out);
    }

    /** How often expected shortfall set initial margin, and how the BTC volatility forecast moved. */
    private void printStatisticalLayer(StringBuilder out) {
        out.append(String.format("%nStatistical layer: VaR/ES by filtered historical simulation on a year of daily index closes"
                + " (seeded), 30%% correlation offset cap%n  expected shortfall set initial margin in %,d of %,d results%n",
                tally.esBinding.get(), tally.results.get()));
        List<Map.Entry<Instant, Double>> vols = tally.watched.values().stream().flatMap(List::stream)
                .flatMap(r -> r.getUnderlyings().stream().filter(u -> u.getUnderlying().equals("BTC") && u.getForecastVol() > 0)
                        .map(u -> Map.entry(r.getCause().getEventTime(), u.getForecastVol())))
                .sorted(Map.Entry.comparingByKey()).toList();
        if (!vols.isEmpty()) {
            out.append(String.format("  BTC daily volatility forecast (EWMA): %.1f%% at %s, %.1f%% at %s%n",
                    100 * vols.get(0).getValue(), vols.get(0).getKey(), 100 * vols.get(vols.size() - 1).getValue(),
                    vols.get(vols.size() - 1).getKey()));
        }
    }

    /** Per strategy how the option accounts fared, and one account's margin over time with its Greeks. */
    private void printOptions(StringBuilder out) {
        out.append(String.format("%nOptions: %,d accounts on BTC options, priced from a surface with the smile of Deribit's"
                + " 2020-05-14 chain;%n  vol level ×1.00 at the start, ×%.2f at its peak (it follows the 24-hour realised vol,"
                + " reference %.0f%%)%n", strategies.size(), peakVolLevel, 100 * surface.referenceVol()));
        out.append("  strategy            accounts   calls issued   liquidations started   at the end: normal · call · liquidation\n");
        for (Strategy strategy : Strategy.values()) {
            List<String> accounts = strategies.entrySet().stream().filter(e -> e.getValue() == strategy).map(Map.Entry::getKey).toList();
            long calls = accounts.stream().mapToLong(a -> tally.perAccount.getOrDefault(a, new long[2])[0]).sum();
            long liquidations = accounts.stream().mapToLong(a -> tally.perAccount.getOrDefault(a, new long[2])[1]).sum();
            Map<MarginStatus, Long> end = accounts.stream().map(tally.latest::get).filter(java.util.Objects::nonNull)
                    .collect(Collectors.groupingBy(MarginResult::getStatus, Collectors.counting()));
            out.append(String.format("  %-18s %9d %14d %22d   %6d · %4d · %d%n", strategy.label, accounts.size(), calls, liquidations,
                    end.getOrDefault(MarginStatus.NORMAL, 0L), end.getOrDefault(MarginStatus.MARGIN_CALL, 0L),
                    end.getOrDefault(MarginStatus.LIQUIDATION, 0L)));
        }
        out.append(String.format("  The 12MAR20 options settled at %s against the BTC index at %,.2f and left the portfolios.%n",
                FIRST_OPTION_EXPIRY, settlementPrice));
        out.append("  Calls issued by what caused them: ").append(tally.callsByCause.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" · "))).append("\n");
        story(out, Strategy.SHORT_STRANGLE, EXPIRY);
        story(out, Strategy.SHORT_STRANGLE, FIRST_OPTION_EXPIRY);
    }

    /**
     * How one account's margin moved: its first margined position, the first result a surface
     * caused, its highest requirement, its first result at or after the first expiry, its last.
     */
    private void story(StringBuilder out, Strategy strategy, Instant expiry) {
        String account = storyOf.get(strategy + " " + expiry);
        List<MarginResult> story = account == null ? List.of()
                : tally.watched.get(account).stream().filter(r -> !r.getUnderlyings().isEmpty()
                        || r.getCause().getEventTime().compareTo(FIRST_OPTION_EXPIRY) >= 0).toList();
        if (story.isEmpty()) {
            return;
        }
        out.append(String.format("  Why the margin of %s (%s, %s expiry) moved:%n", account, strategy.label, expiry));
        out.append("    event time             cause                   IM (USD)  equity (USD)  status        delta"
                + "      gamma   vega/pt  theta/day   worst scenario\n");
        java.util.LinkedHashSet<MarginResult> rows = new java.util.LinkedHashSet<>();
        rows.add(story.get(0));
        story.stream().filter(r -> r.getCause().getSource().getTopic().endsWith("vol-surfaces")).findFirst().ifPresent(rows::add);
        rows.add(story.stream().max(Comparator.comparing(MarginResult::getInitialMargin)).orElseThrow());
        story.stream().filter(r -> r.getCause().getEventTime().compareTo(FIRST_OPTION_EXPIRY) >= 0).findFirst().ifPresent(rows::add);
        rows.add(story.get(story.size() - 1));
        rows.stream().sorted(Comparator.comparing(MarginResult::getSequence)).forEach(result -> {
            UnderlyingMargin risk = result.getUnderlyings().stream().filter(u -> u.getUnderlying().equals("BTC"))
                    .findFirst().orElse(null);
            out.append(String.format("    %-22s %-20s %11s %13s  %-11s %s%n", result.getCause().getEventTime(),
                    result.getCause().getSource().getTopic(), usd(result.getInitialMargin()), usd(result.getEquity()),
                    result.getStatus(), risk == null ? "(no positions)" : String.format(
                            "%6.2f %10.6f %9.1f %10.1f   price %+.0f%%, vol %+.0f%%: loses %,.0f", risk.getNetDelta(),
                            risk.getGamma(), risk.getVega(), risk.getTheta(), 100 * risk.getWorstPriceMove(),
                            100 * risk.getWorstVolShock(), risk.getWorstScenarioLoss())));
        });
    }

    private static String usd(BigDecimal amount) {
        return String.format("%,.2f", amount);
    }

    private void say(String message) {
        System.out.printf("[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, message);
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("the application did not start: " + streams.state());
            }
            Thread.sleep(100);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
