package dev.switchboard.gateway.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's static files, read once from the gateway jar (no build step, nothing fetched at run time): the
 * page, its script, its style sheet and its icon. The page loads nothing from elsewhere, which {@link #POLICY}
 * enforces in the browser. Immutable.
 */
public final class DashboardAssets {

    /**
     * The Content-Security-Policy of the page: only its own script, style, images and JSON; no inline script or
     * style, no frames, no forms posting anywhere, no plugins. The key the page holds cannot be sent elsewhere.
     */
    public static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** One file: its bytes and its Content-Type. */
    public record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Asset> byPath;

    /**
     * @param keysRequired whether the gateway has keys; without any, the page is marked so that it opens without
     *                     asking for one (it never calls the gateway before it has a key, to be refused)
     */
    public DashboardAssets(boolean keysRequired) {
        Asset page = load("index.html", "text/html; charset=utf-8");
        if (!keysRequired) {
            String html = new String(page.bytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("<html lang=\"en\">", "<html lang=\"en\" data-keys=\"none\">");
            page = new Asset(html.getBytes(java.nio.charset.StandardCharsets.UTF_8), page.contentType());
        }
        this.byPath = Map.of(
                "/ui", page,
                "/ui/", page,
                "/ui/app.js", load("app.js", "text/javascript; charset=utf-8"),
                "/ui/app.css", load("app.css", "text/css; charset=utf-8"),
                "/ui/icon.svg", load("icon.svg", "image/svg+xml"));
    }

    /** The file served at {@code path} ({@code /ui}, {@code /ui/app.js}...), if there is one. */
    public Optional<Asset> find(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the gateway jar lacks the dashboard file " + name);
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard file " + name, e);
        }
    }
}
