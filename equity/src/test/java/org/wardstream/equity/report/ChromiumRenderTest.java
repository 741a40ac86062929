package org.wardstream.equity.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opens the report in real headless Debian chromium: a screenshot must show bar and ratio colours, and the DOM
 * chromium builds must hold the charts. Chromium is required: without it this test FAILS (install:
 * {@code apt-get install -y chromium}; .ci/run does it).
 */
class ChromiumRenderTest {
    static Path dir;
    static Path html;
    /** The same report with every detail section opened, to see the charts. */
    static Path expanded;

    @BeforeAll
    static void writeReport() throws Exception {
        dir = Paths.get("target", "chromium-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(dir);
        html = dir.resolve("equity-report.html");
        String page = EquityReport.render(EquityReportTest.published());
        Files.writeString(html, page, StandardCharsets.UTF_8);
        expanded = dir.resolve("equity-report-expanded.html");
        Files.writeString(expanded, page.replace("<details", "<details open"), StandardCharsets.UTF_8);
    }

    static String chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                Path c = Paths.get(p, name);
                if (Files.isExecutable(c)) {
                    return c.toString();
                }
            }
        }
        throw new AssertionError("chromium is not installed, so the report cannot be checked in a real browser. "
                + "Install it with: apt-get install -y chromium");
    }

    static String run(String... extra) throws Exception {
        return runOn(html, extra);
    }

    static String runOn(Path page, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
        cmd.addAll(List.of(extra));
        cmd.add(page.toUri().toString());
        Path out = Files.createTempFile(dir, "chromium", ".out");
        Path err = Files.createTempFile(dir, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("chromium exit code; stderr: %s", Files.readString(err)).isZero();
        return Files.readString(out);
    }

    @Test
    void keyFindingsAreAboveTheFoldOnALaptopScreen() throws Exception {
        Path png = dir.resolve("first-screen.png");
        run("--hide-scrollbars", "--window-size=1280,800", "--screenshot=" + png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getHeight()).isEqualTo(800);
        // the findings box (its own background colour) is on the first screen, and ends on it
        int first = -1;
        int last = -1;
        for (int y = 0; y < img.getHeight(); y++) {
            if (countRow(img, y, EquityReport.FINDINGS_COLOUR) > 300) {
                first = first < 0 ? y : first;
                last = y;
            }
        }
        assertThat(first).as("top of the key findings box").isBetween(0, 400);
        assertThat(last).as("bottom of the key findings box").isLessThan(img.getHeight() - 5);
        assertThat(last - first).as("height of the key findings box").isGreaterThan(80);
    }

    @Test
    void everyContentsLinkResolvesAndEveryChartHasATextAlternative() throws Exception {
        String dom = run("--dump-dom");
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("href=\"#([^\"]+)\"").matcher(dom);
        int n = 0;
        while (links.find()) {
            n++;
            assertThat(dom).as("target of #" + links.group(1)).contains("id=\"" + links.group(1) + "\"");
        }
        assertThat(n).isGreaterThan(15);
        java.util.regex.Matcher svgs = java.util.regex.Pattern.compile("<svg[^>]*>").matcher(dom);
        int charts = 0;
        while (svgs.find()) {
            charts++;
            assertThat(svgs.group()).contains("role=\"img\"").containsPattern("aria-label=\"[^\"]{10,}\"");
        }
        assertThat(charts).isGreaterThan(20);
        // each chart is followed by a table of the same numbers before the next chart or section
        assertThat(EquityReportTest.count(dom, "<table")).isGreaterThanOrEqualTo(charts);
    }

    @Test
    void screenshotShowsTheCharts() throws Exception {
        Path png = dir.resolve("report.png");
        runOn(expanded, "--hide-scrollbars", "--window-size=1100,4000", "--screenshot=" + png);
        assertThat(png).exists();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1100);
        int bar = countColour(img, EquityReport.BAR_COLOUR);
        int ratio = countColour(img, EquityReport.RATIO_COLOUR);
        int reference = countColour(img, EquityReport.REFERENCE_COLOUR);
        // a bar is 14 px high and up to 330 px long; several charts are within the first 4000 px
        assertThat(bar).as("pixels of the bar colour").isGreaterThan(2000);
        assertThat(ratio).as("pixels of the ratio colour").isGreaterThan(50);
        assertThat(reference).as("pixels of the reference colour").isGreaterThan(200);
    }

    @Test
    void domHoldsTheDrawnChartElements() throws Exception {
        String dom = run("--dump-dom");
        assertThat(dom).contains("<svg class=\"chart\"");
        assertThat(EquityReportTest.count(dom, "<rect class=\"bar")).isGreaterThan(50);
        assertThat(dom).containsPattern("<rect class=\"bar\" x=\"250\" y=\"[0-9.]+\" width=\"[1-9][0-9.]*\"");
        assertThat(dom).contains("Patients in the most deprived quintile had");
    }

    @Test
    void pacemakerLineIsOnThePageChromiumBuilds() throws Exception {
        String dom = runOn(expanded, "--dump-dom");
        assertThat(dom).contains("<p class=\"reading\" id=\"pacemaker-summary\">Whole programme: 25 of 150 enrolled "
                        + "patients (16.7 %, 95 % interval ")
                .contains("their AF is not reliably assessable from pulse timing")
                .contains("for 25 of 150 the enrolment does not say whether they have a pacemaker")
                .contains("<a href=\"#pacemaker_recorded\">Patients with a pacemaker recorded (AF not assessable "
                        + "from pulse timing)</a>")
                .containsPattern("aria-label=\"Patients with a pacemaker recorded \\(AF not assessable from pulse "
                        + "timing\\) by deprivation \\(IMD quintile\\)\"");
    }

    /**
     * Printed (or saved as PDF for board papers), the report holds its sections, not only the key findings and the
     * contents: every section is a closed details element on screen, and Chromium printed them closed (2 pages against
     * 87 with them open; probe 16b D16).
     */
    @Test
    void thePrintedReportHoldsItsSectionsNotOnlyTheirHeadings() throws Exception {
        int printed = printedPages(html, "printed.pdf");
        int open = printedPages(expanded, "printed-open.pdf");
        assertThat(open).as("pages with every section open").isGreaterThan(5);
        assertThat(printed).as("pages of the report printed as delivered (%s with its sections open)", open)
                .isGreaterThanOrEqualTo(open * 3 / 4);
    }

    private static int printedPages(Path page, String name) throws Exception {
        Path pdf = dir.resolve(name);
        runOn(page, "--no-pdf-header-footer", "--print-to-pdf=" + pdf);
        String raw = new String(Files.readAllBytes(pdf), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("/Type\\s*/Page(?![s\\w])").matcher(raw);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    static int countRow(BufferedImage img, int y, String hex) {
        int want = Integer.parseInt(hex.substring(1), 16);
        int n = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            int rgb = img.getRGB(x, y);
            if (Math.abs((rgb >> 16 & 0xff) - (want >> 16 & 0xff)) <= 2
                    && Math.abs((rgb >> 8 & 0xff) - (want >> 8 & 0xff)) <= 2
                    && Math.abs((rgb & 0xff) - (want & 0xff)) <= 2) {
                n++;
            }
        }
        return n;
    }

    static int countColour(BufferedImage img, String hex) {
        int want = Integer.parseInt(hex.substring(1), 16);
        int wr = want >> 16 & 0xff;
        int wg = want >> 8 & 0xff;
        int wb = want & 0xff;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (Math.abs((rgb >> 16 & 0xff) - wr) <= 3 && Math.abs((rgb >> 8 & 0xff) - wg) <= 3
                        && Math.abs((rgb & 0xff) - wb) <= 3) {
                    n++;
                }
            }
        }
        return n;
    }
}
