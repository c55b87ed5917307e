package dev.switchboard.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven through Debian's chromedriver (nothing is
 * downloaded), against a gateway whose providers are stubbed on loopback. Signing in with an admin key and being
 * refused with a plain one; a provider turning to "cooling down" on the Overview after its upstream fails; the
 * Spend chart showing the cost of calls just made; the Requests page showing a fallback's attempt trail; and no
 * configured secret in any JSON the page read or any HTML it rendered. Each test saves a screenshot under target/.
 */
@Timeout(120)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static final String ADMIN_KEY = "admin-key-not-real";
    private static final String TEAM_KEY = "team-a-key-not-real";
    private static final String PRIMARY_CHAT = "/primary/v1/chat/completions";
    private static final String BACKUP_CHAT = "/backup/v1/chat/completions";
    /** gpt-4o-2024-08-06, 1117 input and 46 output tokens: $0.0032525 a call. */
    private static final String ANSWER = "fixtures/openai/chat-completion.json";
    private static final String KEYS = "gateway.keys = ["
            + " { key = \"" + ADMIN_KEY + "\", name = ops, admin = true },"
            + " { key = \"" + TEAM_KEY + "\", name = team-a, budget { amount = 1.00, period = 1d } } ]";

    private static WebDriver browser;
    private static Path profile;

    @TempDir
    Path data;

    private GatewayHarness h;

    @BeforeAll
    static void startBrowser() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "dashboard browser tests skipped: they drive Debian's Chromium, and " + CHROMIUM + " or " + CHROMEDRIVER
                        + " is missing (apt-get install chromium chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString()); // never Selenium Manager's download
        profile = Files.createTempDirectory("dashboard-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterEach
    void stopGateway() {
        if (h != null) {
            h.close();
        }
    }

    private void start() {
        h = GatewayHarness.start(KEYS + "\n"
                + "state { backend = embedded, data-dir = \"" + data.toString().replace("\\", "/") + "\" }\n"
                // one failure cools a target down, for long enough that the page surely shows it
                + "route-defaults.cooldown { failure-threshold = 1, duration = 10m }");
    }

    /** The primary fails with a 500 whose message echoes the provider's key; the backup answers. */
    private void primaryFails() {
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"internal error for key " + GatewayHarness.KEY
                        + "\",\"type\":\"server_error\"}}")));
        h.upstream.stubFor(post(BACKUP_CHAT).willReturn(okJson(Fixtures.load(ANSWER))));
    }

    private ChatCompletion ask() {
        OpenAIClient client = h.client(TEAM_KEY);
        return client.chat().completions().create(ChatCompletionCreateParams.builder().model("default")
                .addUserMessage("What's the weather in Paris?").build());
    }

    private void signIn(String key) {
        browser.get(url("/ui"));
        WebElement field = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
        field.clear();
        field.sendKeys(key);
        browser.findElement(By.id("login-button")).click();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + h.gateway.port() + path;
    }

    private static WebDriverWait waitFor() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private static void screenshot(String name) throws IOException {
        Path out = Path.of("target", "dashboard-" + name + ".png");
        Files.createDirectories(out.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), out,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    @Test
    void signsInWithAnAdminKeyAndRefusesAPlainOne() throws IOException {
        start();
        browser.get(url("/ui"));
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
        // nothing is asked of the gateway before there is a key to ask with (no 401 in the console)
        assertThat(js("return performance.getEntriesByType('resource').filter(e => e.initiatorType === 'fetch')"
                + ".length")).isEqualTo(0L);

        signIn(TEAM_KEY);
        WebElement error = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        waitFor().until(d -> !error.getText().isEmpty());
        screenshot("login-refused");

        assertThat(error.getText()).contains("not an admin key", "admin = true", "switchboard.gateway.admin-keys");
        assertThat(browser.findElement(By.id("overview")).isDisplayed()).isFalse();
        assertThat(js("return sessionStorage.length")).isEqualTo(0L);

        signIn(ADMIN_KEY);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#providers tr[data-provider=primary]")));
        screenshot("overview");

        assertThat(browser.findElement(By.cssSelector("#providers tr[data-provider=primary] .state")).getText())
                .isEqualTo("ok");
        // the key is kept for this tab only: not in the address, not in a cookie
        assertThat(js("return sessionStorage.getItem('switchboard.admin-key')")).isEqualTo(ADMIN_KEY);
        assertThat(js("return document.cookie")).isEqualTo("");
        assertThat(browser.getCurrentUrl()).doesNotContain(ADMIN_KEY);
        assertThat(h.http("GET", "/ui", null).header("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'"));
    }

    @Test
    void everyPageFitsAPhonesWidth() throws IOException {
        start();
        primaryFails();
        ask();
        signIn(ADMIN_KEY);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#providers tr[data-provider=primary]")));
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            for (String page : List.of("overview", "spend", "requests")) {
                browser.findElement(By.id("nav-" + page)).click();
                waitFor().until(d -> !d.findElements(By.cssSelector("#" + page + " tbody tr")).isEmpty());
                screenshot("phone-" + page);

                // wide tables scroll inside their own box; the page itself never scrolls sideways
                assertThat((Long) js("return document.documentElement.scrollWidth"))
                        .as(page).isLessThanOrEqualTo((Long) js("return document.documentElement.clientWidth"));
            }
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    void theOverviewShowsAProviderCoolingDownAfterItsUpstreamFails() throws IOException {
        start();
        primaryFails();
        signIn(ADMIN_KEY);
        By primaryState = By.cssSelector("#providers tr[data-provider=primary] .state");
        waitFor().until(ExpectedConditions.textToBe(primaryState, "ok"));

        assertThat(ask().choices()).isNotEmpty(); // answered by the backup

        waitFor().until(ExpectedConditions.textToBe(primaryState, "cooling down"));
        screenshot("overview-cooling-down");

        WebElement row = browser.findElement(By.cssSelector("#providers tr[data-provider=primary]"));
        assertThat(row.findElement(By.className("why")).getText()).startsWith("server:");
        assertThat(row.getText()).contains("UTC"); // until when
        assertThat(browser.findElement(By.cssSelector("#providers tr[data-provider=backup] .state")).getText())
                .isEqualTo("ok");
        WebElement route = browser.findElement(By.cssSelector("#routes tr[data-route=default]"));
        assertThat(route.getText()).contains("primary cooling down", "backup ok");
    }

    @Test
    void theSpendChartShowsTheCostOfRequestsJustMade() throws IOException {
        start();
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load(ANSWER))));
        ask();
        ask();

        signIn(ADMIN_KEY);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-spend"))).click();
        waitFor().until(d -> d.findElements(By.cssSelector("#spend-chart rect.bar")).size() > 0);
        screenshot("spend");

        List<WebElement> bars = browser.findElements(By.cssSelector("#spend-chart rect.bar"));
        assertThat(bars).singleElement().satisfies(bar -> {
            assertThat(bar.getAttribute("data-cost-usd")).isEqualTo("0.006505");
            assertThat(bar.findElement(By.tagName("title")).getAttribute("textContent"))
                    .contains("$0.006505", "2 requests");
        });
        assertThat(browser.findElement(By.id("spend-total")).getText()).contains("$0.006505", "2 requests");
        String budget = browser.findElement(By.cssSelector("#budgets tbody")).getText();
        assertThat(budget).contains("key team-a", "1d", "$1", "$0.993495").doesNotContain("PT24H", "refusing");
    }

    @Test
    void withoutAUsageLogTheSpendPageShowsOnlyWhy() throws IOException {
        h = GatewayHarness.start(KEYS); // the memory backend keeps no usage log
        h.upstream.stubFor(post(PRIMARY_CHAT).willReturn(okJson(Fixtures.load(ANSWER))));
        ask();

        signIn(ADMIN_KEY);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-spend"))).click();
        WebElement error = browser.findElement(By.id("spend-error"));
        waitFor().until(d -> !error.getText().isEmpty());
        waitFor().until(d -> !d.findElements(By.cssSelector("#budgets tbody tr[data-budget]")).isEmpty());
        screenshot("spend-without-usage-log");

        assertThat(error.getText()).contains("usage log", "switchboard.state.backend");
        // no "Total $0 for 0 tokens" and no empty chart beside it; the budgets, which memory does keep, stay
        assertThat(browser.findElement(By.id("spend-report")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.cssSelector("#budgets tbody")).getText()).contains("key team-a", "1d");
    }

    @Test
    void everyPageSaysWhenTheGatewayCannotBeReachedAndRecoversWhenItAnswersAgain() throws Exception {
        start();
        primaryFails();
        ask();
        signIn(ADMIN_KEY);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#providers tr[data-provider=primary]")));
        browser.findElement(By.id("nav-requests")).click();
        By rows = By.cssSelector("#requests-table tbody tr");
        waitFor().until(d -> !d.findElements(By.cssSelector("#requests-table ol.trail li")).isEmpty());
        int port = h.gateway.port();

        h.gateway.shutdown(Duration.ofSeconds(2));
        WebElement banner = waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("connection")));
        screenshot("requests-gateway-unreachable");

        assertThat(banner.getText()).contains("cannot be reached since", "out of date");
        assertThat(js("return document.body.classList.contains('stale')")).isEqualTo(true);
        assertThat(browser.findElements(rows)).isNotEmpty(); // the last calls read stay, marked stale
        assertThat(browser.findElement(By.id("requests-count")).getText()).contains("kept of the last");
        for (String page : List.of("overview", "spend")) {
            browser.findElement(By.id("nav-" + page)).click();
            waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id(page)));
            assertThat(browser.findElement(By.id("connection")).isDisplayed()).as(page).isTrue();
        }
        assertThat(browser.findElement(By.cssSelector("#providers tr[data-provider=primary] .state"))
                .getAttribute("textContent")).isEqualTo("cooling down"); // the overview read before, kept

        try (GatewayHarness again = startOnPort(port)) {
            waitFor().until(ExpectedConditions.invisibilityOfElementLocated(By.id("connection")));
            screenshot("spend-gateway-back");
            assertThat(js("return document.body.classList.contains('stale')")).isEqualTo(false);
            browser.findElement(By.id("nav-overview")).click();
            waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#providers tr[data-provider=backup]")));
            assertThat(browser.findElement(By.id("connection")).isDisplayed()).isFalse();
        }
    }

    /** A gateway like the one stopped, on its port, once the port is free again. */
    private static GatewayHarness startOnPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return GatewayHarness.start(KEYS + "\ngateway.port = " + port);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // the old listener is still closing
            }
        }
    }

    @Test
    void onAPhoneTheKeyCellsAreOnScreenAndTheChartIsReadableAndTappable() throws IOException {
        start();
        primaryFails();
        ask();
        signIn(ADMIN_KEY);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#providers tr[data-provider=primary]")));
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            browser.findElement(By.id("nav-requests")).click();
            waitFor().until(d -> !d.findElements(By.cssSelector("#requests-table ol.trail li")).isEmpty());
            screenshot("phone-requests-stacked");
            assertOnScreen("#requests-table caption, #requests-table tbody tr:first-child td");

            browser.findElement(By.id("nav-spend")).click();
            waitFor().until(d -> !d.findElements(By.cssSelector("#spend-chart rect.bar")).isEmpty());
            waitFor().until(d -> !d.findElements(By.cssSelector("#budgets tbody tr[data-budget]")).isEmpty());
            assertOnScreen("#budgets caption, #budgets tbody tr td, #spend-chart text");
            @SuppressWarnings("unchecked")
            List<Number> sizes = (List<Number>) js("const s = document.getElementById('spend-chart');"
                    + "const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;"
                    + "return [...s.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale)");
            assertThat(sizes).isNotEmpty().allSatisfy(px -> assertThat(px.doubleValue()).isGreaterThanOrEqualTo(10));
            assertThat(browser.findElement(By.id("spend-caption")).getText()).contains("tap or hover");

            browser.findElement(By.cssSelector("#spend-chart rect.bar")).click();
            screenshot("phone-spend-bar-tapped");
            assertThat(browser.findElement(By.id("spend-detail")).getText()).contains("$", "tokens", "requests");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    /** Every element {@code css} selects lies within the viewport's width, none off its right edge. */
    private static void assertOnScreen(String css) {
        @SuppressWarnings("unchecked")
        List<String> off = (List<String>) js("const w = document.documentElement.clientWidth;"
                + "return [...document.querySelectorAll(arguments[0] || '" + css + "')]"
                + ".filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -0.5 || r.right > w + 0.5); })"
                + ".map(e => (e.dataset.label || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().left) + '..'"
                + " + Math.round(e.getBoundingClientRect().right) + ' of ' + w)");
        assertThat(off).as(css).isEmpty();
    }

    @Test
    void theRequestsPageShowsAFallbacksAttemptTrail() throws IOException {
        start();
        primaryFails();
        ask();

        signIn(ADMIN_KEY);
        waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-requests"))).click();
        By trail = By.cssSelector("#requests-table tbody tr ol.trail li");
        waitFor().until(d -> d.findElements(trail).size() >= 2);
        screenshot("requests");

        List<String> steps = new ArrayList<>();
        for (WebElement li : browser.findElements(trail)) {
            steps.add(li.getText());
        }
        // the primary's 500 (a slow first try may also have timed out before it), then the backup's answer
        assertThat(steps.subList(0, steps.size() - 1)).allMatch(s -> s.startsWith("primary failed"))
                .anyMatch(s -> s.contains("(server: HTTP 500"));
        assertThat(steps.get(steps.size() - 1)).startsWith("backup answered");
        WebElement row = browser.findElement(By.cssSelector("#requests-table tbody tr"));
        assertThat(row.getText()).contains("team-a", "200");
        assertThat(row.getText()).doesNotContain("Paris"); // no prompt text without capture-content
    }

    @Test
    void noConfiguredSecretReachesThePage() throws IOException {
        start();
        primaryFails();
        ask();
        signIn(ADMIN_KEY);
        Set<String> html = new LinkedHashSet<>();
        for (String page : List.of("overview", "spend", "requests")) {
            waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("nav-" + page))).click();
            waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id(page)));
            waitFor().until(d -> !d.findElements(By.cssSelector("#" + page + " tbody tr")).isEmpty());
            html.add(browser.getPageSource());
        }
        screenshot("secrets-checked");
        @SuppressWarnings("unchecked")
        List<String> fetched = (List<String>) js("return performance.getEntriesByType('resource')"
                + ".filter(e => e.initiatorType === 'fetch').map(e => e.name)");

        assertThat(fetched).anyMatch(u -> u.contains("/ui/api/overview")).anyMatch(u -> u.contains("/ui/api/requests"))
                .anyMatch(u -> u.contains("/v1/usage?"));
        List<String> secrets = List.of(GatewayHarness.KEY, ADMIN_KEY, TEAM_KEY);
        for (String u : new LinkedHashSet<>(fetched)) {
            String path = u.substring(u.indexOf('/', "http://".length()));
            GatewayHarness.Reply reply = h.http("GET", path, null, "Authorization", "Bearer " + ADMIN_KEY);
            assertThat(reply.statusCode()).as(path).isEqualTo(200);
            assertThat(reply.body()).as(path).doesNotContain(secrets);
        }
        for (String source : html) {
            assertThat(source).doesNotContain(secrets);
        }
        // the failure behind the fallback is shown, with the provider's key masked
        assertThat(String.join("\n", html)).contains("internal error for key");
    }
}
