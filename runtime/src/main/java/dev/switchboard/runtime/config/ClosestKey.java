package dev.switchboard.runtime.config;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The known key a mistyped one most likely meant, for "did you mean ..." hints: the nearest by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbouring letters each count one), if it is near enough
 * to be a typo rather than another word.
 */
final class ClosestKey {

    private ClosestKey() {}

    /**
     * The known key nearest to {@code typo}, when at most 2 edits (and less than half its length) away; else the one
     * known key that starts with it (a key cut short, such as {@code requests-per-min}).
     */
    static Optional<String> to(String typo, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(typo.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && best != null && candidate.compareTo(best) < 0)) {
                best = candidate;
                bestDistance = d;
            }
        }
        int allowed = Math.min(2, (typo.length() - 1) / 2);
        if (bestDistance <= allowed) {
            return Optional.of(best);
        }
        List<String> extending = known.stream().filter(k -> typo.length() >= 4 && k.startsWith(typo)).toList();
        return extending.size() == 1 ? Optional.of(extending.get(0)) : Optional.empty();
    }

    /** Optimal string alignment distance: Levenshtein plus swaps of adjacent characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
