package io.marginflow.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, as the browser tests drive it: the page's DOM after its scripts ran
 * for a budget of virtual time, or a screenshot. Where no Chromium is installed a test is skipped
 * with the reason, except under {@code CI=true}, where it fails ({@code .ci/run} installs it).
 */
final class HeadlessChromium {

    private HeadlessChromium() {}

    /** The browser, or the test is skipped (locally) or failed (CI). */
    static Path find() {
        Optional<Path> found = Optional.ofNullable(System.getenv("CHROMIUM")).map(Path::of)
                .or(() -> List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().map(Path::of)
                        .filter(Files::isExecutable).findFirst());
        String why = "no Chromium: install Debian's package (apt-get install chromium) or set CHROMIUM to the browser";
        if (found.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(why + "; .ci/run installs it");
        }
        Assumptions.assumeTrue(found.isPresent(), why);
        return found.get();
    }

    static String dumpDom(Path chromium, String url, int virtualMillis) throws IOException, InterruptedException {
        return run(chromium, url, virtualMillis, "--dump-dom");
    }

    static void screenshot(Path chromium, String url, int virtualMillis, Path png) throws IOException, InterruptedException {
        run(chromium, url, virtualMillis, "--screenshot=" + png.toAbsolutePath());
        assertThat(Files.size(png)).as("screenshot written").isPositive();
    }

    /** The share of pixels that differ from the page's background (the top-left pixel). */
    static double inkFraction(BufferedImage image) {
        int background = image.getRGB(0, 0);
        long ink = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                if (image.getRGB(x, y) != background) {
                    ink++;
                }
            }
        }
        return ink / ((image.getWidth() / 2.0) * (image.getHeight() / 2.0));
    }

    private static String run(Path chromium, String url, int virtualMillis, String what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=1280,1000", "--virtual-time-budget=" + virtualMillis, what, url));
        Path out = Files.createTempFile("chromium-", ".out");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("Chromium finished within 60 s").isTrue();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(out);
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
