package io.marginflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.marginflow.errors.Failures;
import io.marginflow.errors.ProductionFailureHandler;
import io.marginflow.schema.AntiProcyclicalityTool;
import io.marginflow.schema.CollateralHaircut;
import io.marginflow.schema.CollateralMovement;
import io.marginflow.schema.CollateralMovementKind;
import io.marginflow.schema.DeadLetter;
import io.marginflow.schema.ExtremeMove;
import io.marginflow.schema.Fill;
import io.marginflow.schema.Instrument;
import io.marginflow.schema.InstrumentKind;
import io.marginflow.schema.InstrumentState;
import io.marginflow.schema.JournalEntry;
import io.marginflow.schema.MarginResult;
import io.marginflow.schema.OptionType;
import io.marginflow.schema.PriceKind;
import io.marginflow.schema.PriceUpdate;
import io.marginflow.schema.RejectionStage;
import io.marginflow.schema.RiskParameters;
import io.marginflow.schema.SmilePoint;
import io.marginflow.schema.VolSmile;
import io.marginflow.schema.VolSurface;
import io.marginflow.schema.VolatilityModel;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * A property of the door: whatever the sequencer accepts can be journalled and margined without
 * an exception. Thousands of records of every kind with random field values (fixed seed): most
 * plausible, some at the edges of the bounds, some absurd (NaN, infinities, Double.MIN_VALUE,
 * 1e300, decimals beyond decimal(38,18) written with a generic writer, times at Long.MIN_VALUE
 * and Long.MAX_VALUE, empty and long lists, mismatched keys), published on one small universe
 * of accounts and instruments so that fills, prices, surfaces and parameters meet. Every record
 * must be either journalled or refused at the door with a reason, and nothing may fail in a way
 * no rule foresaw ({@code PROCESSING_FAILURE}) or be left unwritten.
 */
class ValidatorPropertySpec {

    private static final long SEED = 20_201_312L;
    private static final int RECORDS = 4_000;
    private static final Instant NOW = Instant.parse("2020-03-20T00:00:00Z");
    private static final List<String> ACCOUNTS = List.of("ACC-0", "ACC-1", "ACC-2", "ACC-3", "ACC-4");
    private static final List<String> INSTRUMENTS = List.of("BTC-PERP", "BTC-FUT", "BTC-C", "BTC-P", "ETH-PERP", "ETH-C");
    private static final List<String> UNDERLYINGS = List.of("BTC", "ETH");

    private final Random random = new Random(SEED);

    @Test
    void whateverTheDoorAcceptsIsJournalledAndMarginedWithoutAnUnforeseenFailure() {
        try (PipelineDriver pipeline = new PipelineDriver()) {
            // a plausible start, so that the random records meet a market
            for (String id : INSTRUMENTS) {
                pipeline.publish(plausibleInstrument(id));
            }
            for (String underlying : UNDERLYINGS) {
                pipeline.publish(Inputs.index(underlying, underlying.equals("BTC") ? 5_000.0 : 150.0, 0));
            }
            int published = INSTRUMENTS.size() + UNDERLYINGS.size();
            for (int i = 0; i < RECORDS; i++) {
                SpecificRecord record = randomRecord(i);
                String key = random.nextInt(40) == 0 ? pick(ACCOUNTS) : PipelineDriver.keyOf(record);
                // Kafka refuses negative record timestamps at the producer
                Instant timestamp = random.nextInt(20) == 0 ? Instant.ofEpochMilli(Math.max(0, time().toEpochMilli()))
                        : NOW.plusSeconds(i);
                pipeline.publishLoose(key, record, timestamp);
                published++;
            }

            List<JournalEntry> journal = pipeline.journal();
            List<DeadLetter> letters = pipeline.deadLetters();
            List<MarginResult> results = pipeline.margin();
            Map<String, Long> refused = letters.stream().filter(l -> l.getStage() == RejectionStage.SEQUENCER)
                    .collect(Collectors.groupingBy(DeadLetter::getErrorClass, TreeMap::new, Collectors.counting()));
            Map<String, Long> engine = letters.stream().filter(l -> l.getStage() == RejectionStage.ENGINE)
                    .collect(Collectors.groupingBy(DeadLetter::getErrorClass, TreeMap::new, Collectors.counting()));
            System.out.printf("%d records: %d journalled, refused at the door %s, by the engine %s, %d results%n",
                    published, journal.size(), refused, engine, results.size());

            assertThat(letters).as("failures no rule foresaw").filteredOn(l ->
                    l.getErrorClass().equals(Failures.PROCESSING_FAILURE)
                            || l.getErrorClass().equals(ProductionFailureHandler.NOT_WRITTEN)).isEmpty();
            assertThat(journal.size() + refused.values().stream().mapToLong(Long::longValue).sum())
                    .as("every record is journalled or refused with a reason").isEqualTo(published);
            assertThat(journal.size()).as("the universe is plausible enough to margin").isGreaterThan(RECORDS / 4);
            assertThat(results).as("margined").hasSizeGreaterThan(RECORDS / 10).allSatisfy(result -> {
                assertThat(List.of(result.getScenarioMargin(), result.getValueAtRisk(), result.getExpectedShortfall(),
                        result.getAddOns())).as("risk figures of %s", result.getAccount()).allMatch(Double::isFinite);
                assertThat(result.getUnderlyings()).allSatisfy(u -> assertThat(List.of(u.getRequirement(),
                        u.getNetDelta(), u.getGamma(), u.getVega(), u.getTheta(), u.getUnrealizedPnl()))
                        .as("%s of %s", u.getUnderlying(), result.getAccount()).allMatch(Double::isFinite));
            });
            assertThat(pipeline.failures.stuck()).isEmpty();
        }
    }

    private SpecificRecord randomRecord(int i) {
        return switch (random.nextInt(8)) {
            case 0, 1, 2 -> fill(i);
            case 3 -> collateral(i);
            case 4 -> price();
            case 5 -> surface();
            case 6 -> instrument();
            default -> parameters(i);
        };
    }

    private Fill fill(int i) {
        String instrument = pick(INSTRUMENTS);
        return Fill.newBuilder()
                .setFillId(random.nextInt(30) == 0 ? "F-DUP" : text("F-" + i))
                .setAccount(random.nextInt(30) == 0 ? text("ACC-X") : pick(ACCOUNTS))
                .setInstrument(random.nextInt(30) == 0 ? text("NOPE") : instrument)
                .setQuantity(decimal(random.nextBoolean() ? 1 : -1))
                .setPrice(price(instrument.startsWith("BTC-C") || instrument.startsWith("BTC-P") ? 300 : 5_000))
                .setFee(random.nextInt(5) == 0 ? decimal(1) : BigDecimal.ZERO.setScale(18))
                .setFeeAsset(random.nextInt(30) == 0 ? text("") : "USD")
                .setEventTime(time())
                .setSequence(random.nextLong())
                .setOrderId(random.nextInt(10) == 0 ? text("O-" + i) : null)
                .build();
    }

    private CollateralMovement collateral(int i) {
        return CollateralMovement.newBuilder()
                .setMovementId(text("M-" + i))
                .setAccount(pick(ACCOUNTS))
                .setAsset(pick(List.of("USD", "USDT", "BTC", "ETH", "DOGE")))
                .setAmount(decimal(random.nextInt(4) == 0 ? -1 : 1))
                .setKind(pick(List.of(CollateralMovementKind.values())))
                .setEventTime(time())
                .build();
    }

    private PriceUpdate price() {
        List<String> ids = new ArrayList<>(INSTRUMENTS);
        ids.addAll(UNDERLYINGS);
        String id = pick(ids);
        return PriceUpdate.newBuilder()
                .setInstrument(id)
                .setPrice(price(id.startsWith("ETH") ? 150 : 5_000))
                .setKind(random.nextInt(10) == 0 ? PriceKind.SETTLEMENT : random.nextBoolean() ? PriceKind.INDEX : PriceKind.MARK)
                .setEventTime(time())
                .build();
    }

    private VolSurface surface() {
        List<VolSmile> smiles = new ArrayList<>();
        int count = random.nextInt(20) == 0 ? 70 : random.nextInt(4);
        long expiry = NOW.toEpochMilli();
        for (int s = 0; s < count; s++) {
            long direction = random.nextInt(10) == 0 ? -1 : 1;
            long days = 1L + random.nextInt(60);
            expiry += direction * days * 86_400_000L;
            double forward = price(5_000);
            int points = random.nextInt(20) == 0 ? 300 : random.nextInt(6);
            List<SmilePoint> smile = new ArrayList<>();
            double strike = forward * 0.5;
            for (int p = 0; p < points; p++) {
                strike = random.nextInt(20) == 0 ? price(5_000) : strike + forward * 0.2 * random.nextDouble();
                smile.add(new SmilePoint(strike, random.nextInt(10) == 0 ? extreme() : 0.3 + random.nextDouble()));
            }
            smiles.add(VolSmile.newBuilder().setExpiry(random.nextInt(20) == 0 ? time() : Instant.ofEpochMilli(expiry))
                    .setForward(forward).setPoints(smile).build());
        }
        return VolSurface.newBuilder().setUnderlying(pick(UNDERLYINGS)).setEventTime(time()).setSmiles(smiles).build();
    }

    private Instrument instrument() {
        InstrumentKind kind = pick(List.of(InstrumentKind.values()));
        boolean option = random.nextInt(10) == 0 ? random.nextBoolean() : kind == InstrumentKind.OPTION;
        boolean expires = random.nextInt(10) == 0 ? random.nextBoolean() : kind != InstrumentKind.PERPETUAL;
        return Instrument.newBuilder()
                .setInstrumentId(pick(INSTRUMENTS))
                .setKind(kind)
                .setUnderlying(random.nextInt(20) == 0 ? text("SOL") : pick(UNDERLYINGS))
                .setExpiry(expires ? (random.nextInt(5) == 0 ? time() : NOW.plusSeconds(86_400L * (1 + random.nextInt(90)))) : null)
                .setStrike(option ? price(5_000) : null)
                .setOptionType(option ? pick(List.of(OptionType.values())) : null)
                .setContractMultiplier(random.nextInt(5) == 0 ? decimal(1) : BigDecimal.ONE.setScale(18))
                .setSettlementAsset(random.nextInt(20) == 0 ? text("") : "USD")
                .setTickSize(random.nextInt(5) == 0 ? extreme() : 0.5)
                .setState(random.nextInt(10) == 0 ? InstrumentState.EXPIRED : InstrumentState.ACTIVE)
                .setEventTime(time())
                .build();
    }

    private RiskParameters parameters(int i) {
        List<ExtremeMove> extremes = new ArrayList<>();
        for (int e = random.nextInt(20) == 0 ? 100 : random.nextInt(3); e > 0; e--) {
            extremes.add(new ExtremeMove(fraction(-0.7), fraction(0.3)));
        }
        List<CollateralHaircut> haircuts = new ArrayList<>();
        for (int h = random.nextInt(3); h > 0; h--) {
            haircuts.add(new CollateralHaircut(pick(List.of("BTC", "ETH", "")), fraction(0.1)));
        }
        return RiskParameters.newBuilder()
                .setUnderlying(pick(UNDERLYINGS))
                .setVersion(random.nextInt(10) == 0 ? random.nextLong() : i)
                .setEffectiveTime(time())
                .setPriceScanRange(fraction(0.16))
                .setPriceScanSteps(random.nextInt(10) == 0 ? random.nextInt() : 2 + random.nextInt(15))
                .setVolShockUp(fraction(0.3))
                .setVolShockDown(fraction(0.2))
                .setVolShockExpiryExponent(fraction(0.5))
                .setVolUnchangedScenarios(random.nextBoolean())
                .setShortOptionMinimum(fraction(0.01))
                .setExtremeMoves(extremes)
                .setVarConfidence(fraction(0.99))
                .setEsConfidence(fraction(0.975))
                .setMarginPeriodOfRiskDays(random.nextInt(10) == 0 ? random.nextInt() : 1 + random.nextInt(5))
                .setEwmaLambda(fraction(0.94))
                .setVolatilityModel(pick(List.of(VolatilityModel.values())))
                .setMaxOffsetCredit(fraction(0.5))
                .setAntiProcyclicality(pick(List.of(AntiProcyclicalityTool.values())))
                .setApcBuffer(fraction(0.25))
                .setApcStressedWeight(fraction(0.25))
                .setScanRangeFloor(random.nextBoolean() ? 0.0 : fraction(0.05))
                .setScanRangeCap(random.nextBoolean() ? 0.0 : fraction(0.6))
                .setConcentrationThreshold(random.nextBoolean() ? 0.0 : price(1e6))
                .setConcentrationRate(random.nextBoolean() ? 0.0 : fraction(0.05))
                .setStatisticsRefreshMillis(random.nextInt(10) == 0 ? random.nextLong() : 0L)
                .setMaintenanceToInitialRatio(fraction(0.5))
                .setCollateralHaircuts(haircuts)
                .setCallGracePeriodMillis(random.nextInt(10) == 0 ? random.nextLong() : 3_600_000L)
                .build();
    }

    private Instrument plausibleInstrument(String id) {
        boolean option = id.endsWith("-C") || id.endsWith("-P");
        InstrumentKind kind = option ? InstrumentKind.OPTION : id.endsWith("PERP") ? InstrumentKind.PERPETUAL : InstrumentKind.FUTURE;
        return Instrument.newBuilder()
                .setInstrumentId(id).setKind(kind).setUnderlying(id.substring(0, 3))
                .setExpiry(kind == InstrumentKind.PERPETUAL ? null : NOW.plusSeconds(30 * 86_400L))
                .setStrike(option ? (id.startsWith("ETH") ? 150.0 : 5_000.0) : null)
                .setOptionType(option ? (id.endsWith("-C") ? OptionType.CALL : OptionType.PUT) : null)
                .setContractMultiplier(BigDecimal.ONE.setScale(18)).setSettlementAsset("USD").setTickSize(0.5)
                .setState(InstrumentState.ACTIVE).setEventTime(Inputs.T0).build();
    }

    /** A price near {@code typical} most of the time; otherwise an edge or an absurd value. */
    private double price(double typical) {
        return random.nextInt(8) == 0 ? extreme() : typical * Math.exp(random.nextGaussian() * 0.5);
    }

    /** A model fraction near {@code typical} most of the time; otherwise an edge or an absurd value. */
    private double fraction(double typical) {
        if (random.nextInt(8) == 0) {
            return pick(List.of(0.0, 1.0, -1.0, 0.25, 0.5, 1.0 - 1e-12, 2.0, 30.0, 1e300, -1e300, Double.NaN,
                    Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE));
        }
        return typical * (0.5 + random.nextDouble());
    }

    private double extreme() {
        return pick(List.of(0.0, -1.0, 1e-9, 1e-8, 1e9, 1.1e9, 1e300, Double.MAX_VALUE, Double.MIN_VALUE, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300));
    }

    /** A quantity or amount with the sign given, mostly plausible, sometimes at or beyond the bounds. */
    private BigDecimal decimal(int sign) {
        BigDecimal value = switch (random.nextInt(12)) {
            case 0 -> BigDecimal.ZERO;
            case 1 -> new BigDecimal("1E-18");
            case 2 -> new BigDecimal("1E15");
            case 3 -> new BigDecimal("1000000000000001");
            case 4 -> new BigDecimal("99999999999999999999.999999999999999999");
            case 5 -> new BigDecimal("1E30");
            default -> BigDecimal.valueOf(random.nextDouble() * 100).setScale(random.nextInt(19), RoundingMode.DOWN);
        };
        return (sign < 0 ? value.negate() : value).setScale(18, RoundingMode.DOWN);
    }

    /** An event time: mostly within days of the start, sometimes at the edges of what a long holds. */
    private Instant time() {
        return switch (random.nextInt(25)) {
            case 0 -> Instant.ofEpochMilli(Long.MIN_VALUE);
            case 1 -> Instant.ofEpochMilli(Long.MAX_VALUE);
            case 2 -> Instant.EPOCH;
            case 3 -> Instant.parse("1999-12-31T23:59:59.999Z");
            case 4 -> Instant.parse("2099-12-31T23:59:59.999Z");
            case 5 -> Instant.parse("2100-01-01T00:00:00Z");
            default -> Inputs.T0.plusSeconds(random.nextInt(8 * 86_400));
        };
    }

    /** {@code value}, or now and then an empty, blank or very long variant of it. */
    private String text(String value) {
        return switch (random.nextInt(40)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> value + "x".repeat(300);
            default -> value;
        };
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
