package dev.switchboard.cli;

import dev.switchboard.api.Attempt;
import dev.switchboard.api.Cost;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines a call leaves on standard error beside its output: the fallbacks the route took (from the attempt
 * trail) and who answered, with how many tokens and at what cost.
 */
final class Summary {

    private Summary() {}

    /**
     * One line per target given up before the answer, in order: {@code fallback: <target> failed after <n> tries:
     * <KIND>: <reason>}; and one for a target that answered only after retries. Consecutive tries of one target are
     * folded into one line.
     */
    static List<String> fallbacks(List<Attempt> attempts) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < attempts.size()) {
            int end = i;
            while (end + 1 < attempts.size() && sameTarget(attempts.get(i), attempts.get(end + 1))) {
                end++;
            }
            List<Attempt> group = attempts.subList(i, end + 1);
            Attempt last = group.get(group.size() - 1);
            List<Attempt> failed = group.stream().filter(a -> !a.succeeded()).toList();
            if (!last.succeeded()) {
                lines.add("fallback: " + label(last) + " failed" + (failed.size() > 1 ? " after " + failed.size()
                        + " tries" : "") + ": " + reason(last));
            } else if (!failed.isEmpty()) {
                lines.add("retried: " + label(last) + " answered after " + failed.size() + " failed "
                        + (failed.size() == 1 ? "try" : "tries") + ": " + reason(failed.get(failed.size() - 1)));
            }
            i = end + 1;
        }
        return lines;
    }

    private static String reason(Attempt a) {
        return a.errorKind().map(Enum::name).orElse("") + a.error().map(e -> ": " + e).orElse("");
    }

    /**
     * {@code answered by <provider> (<model>), stopped: <reason>; tokens: <in> in, <out> out; cost: $<usd>}, the cost
     * being {@code cost unknown} when the model has no price or the provider reported no tokens.
     */
    static String answered(String provider, String model, FinishReason finish, Usage usage, Cost cost) {
        StringBuilder sb = new StringBuilder("answered by ").append(provider);
        if (model != null && !model.isEmpty()) {
            sb.append(" (").append(model).append(')');
        }
        if (finish != null && finish != FinishReason.STOP) {
            sb.append(", stopped: ").append(finish.name().toLowerCase(Locale.ROOT));
        }
        return sb.append("; ").append(tokens(usage)).append("; ").append(cost(cost)).toString();
    }

    static String cost(Cost cost) {
        return cost.isKnown() ? "cost: " + cost.format() : "cost unknown";
    }

    static String tokens(Usage usage) {
        if (usage.equals(Usage.NONE)) {
            return "tokens: not reported";
        }
        return "tokens: " + usage.inputTokens() + " in, " + usage.outputTokens() + " out";
    }

    private static boolean sameTarget(Attempt a, Attempt b) {
        return a.provider().equals(b.provider()) && a.model().equals(b.model());
    }

    private static String label(Attempt a) {
        return a.provider() + a.model().map(m -> "/" + m).orElse("");
    }
}
