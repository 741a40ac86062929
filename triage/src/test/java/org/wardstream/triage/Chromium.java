package org.wardstream.triage;

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
 * Headless chromium (and chromedriver, both from the PATH) for the worklist's focused browser tests: one browser per
 * test class with its own profile and log under {@code target/}, signed in through the login form.
 */
final class Chromium {
    static final Duration WAIT = Duration.ofSeconds(60);

    private Chromium() {
    }

    static Path onPath(String name) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p;
        }
        throw new IllegalStateException(name + " is not on the PATH");
    }

    /** A browser with the profile {@code target/chromium-profile-<name>} and log {@code target/chromedriver-<name>.log}. */
    static ChromeDriver start(String name) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(onPath("chromium").toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1500", "--lang=en-GB", "--user-data-dir="
                        + Files.createDirectories(Path.of("target", "chromium-profile-" + name)).toAbsolutePath());
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(onPath("chromedriver").toFile())
                .withLogFile(Path.of("target", "chromedriver-" + name + ".log").toFile()).build(), options);
    }

    /** The screen now, as {@code target/<name>-last.png}. */
    static void keepScreen(ChromeDriver browser, String name) throws IOException {
        if (browser != null) Files.write(Path.of("target", name + "-last.png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Signs {@code user} in through the form and waits until the worklist shows the card of Task {@code awaited}. */
    static void signIn(ChromeDriver browser, String baseUrl, String user, String awaited) {
        browser.get(baseUrl + "/login?next=/");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(TriageTestServer.PASSWORD);
        browser.findElement(By.cssSelector("form button, form [type=submit]")).click();
        new WebDriverWait(browser, WAIT).until(d -> !d.findElements(
                By.cssSelector("#worklist > li[data-id='" + awaited + "']")).isEmpty());
    }

    /** The worklist card of Task {@code id}. */
    static WebElement card(ChromeDriver browser, String id) {
        return browser.findElement(By.cssSelector("#worklist > li[data-id='" + id + "']"));
    }
}
