package dev.switchboard.http;

/** Small URL helpers for adapters. */
public final class Urls {

    private Urls() {}

    /** {@code url} without trailing slashes, so paths can be appended with a leading one. */
    public static String trimTrailingSlash(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }
}
