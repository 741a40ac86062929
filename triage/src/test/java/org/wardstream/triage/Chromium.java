package org.wardstream.triage;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Headless chromium (and chromedriver, both from the PATH) for the worklist's browser tests: one browser per test
 * class with its own profile and log under {@code target/}, signed in through the login form. As a JUnit 5 extension
 * ({@code @RegisterExtension static final Chromium BROWSER = new Chromium("name")}, after the test's
 * {@link TriageTestServer}) it starts the browser before the class's {@code @BeforeAll} methods, keeps the screen after
 * each test ({@code target/<name>-last.png}) and quits after the class, so a test class states only what it tests.
 */
final class Chromium implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    static final Duration WAIT = Duration.ofSeconds(60);
    private final String name;
    private ChromeDriver driver;

    /** The browser of one test class, named {@code name} (its profile, log and last screen). */
    Chromium(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        driver = start(name);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        keepScreen(driver, name);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (driver != null) driver.quit();
    }

    /** The running browser. */
    ChromeDriver driver() {
        return driver;
    }

    /** Signs {@code user} in through the form and waits until the worklist shows the card of Task {@code awaited}. */
    void signIn(String baseUrl, String user, String awaited) {
        driver.get(baseUrl + "/login?next=/");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(TriageTestServer.PASSWORD);
        driver.findElement(By.cssSelector("form button, form [type=submit]")).click();
        new WebDriverWait(driver, WAIT).until(d -> !d.findElements(
                By.cssSelector("#worklist > li[data-id='" + awaited + "']")).isEmpty());
    }

    /** The worklist card of Task {@code id}. */
    WebElement card(String id) {
        return driver.findElement(By.cssSelector("#worklist > li[data-id='" + id + "']"));
    }

    /** Opens the "Episode timeline" of Task {@code id}'s card and waits until it lists {@code text}. */
    void openTimeline(String id, String text) {
        card(id).findElement(By.cssSelector("[data-timeline] > summary")).click();
        new WebDriverWait(driver, WAIT).until(d -> card(id).findElement(By.cssSelector("[data-timeline-list]")).getText()
                .contains(text));
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        throw new IllegalStateException(name + " is not on the PATH");
    }

    /** A browser with the profile {@code target/chromium-profile-<name>} and log {@code target/chromedriver-<name>.log}. */
    private static ChromeDriver start(String name) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(onPath("chromium").toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1500", "--lang=en-GB", "--user-data-dir="
                        + Files.createDirectories(Path.of("target", "chromium-profile-" + name)).toAbsolutePath());
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(onPath("chromedriver").toFile())
                .withLogFile(Path.of("target", "chromedriver-" + name + ".log").toFile()).build(), options);
    }

    /** The screen now, as {@code target/<name>-last.png}. */
    private static void keepScreen(ChromeDriver browser, String name) throws IOException {
        if (browser != null) Files.write(Path.of("target", name + "-last.png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
