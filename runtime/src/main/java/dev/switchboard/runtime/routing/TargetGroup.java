package dev.switchboard.runtime.routing;

import dev.switchboard.runtime.ProviderManager.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One element of a route's chain: a single target, or a group of targets of which one answers each request, picked by
 * its {@link RouteStrategy}. The chain around the element (retries, fallback to the next element, cooldowns) does not
 * change; within a group, a member skipped without a request (cooling down, over its own rate limit, lacking a
 * capability) or failing with a retryable kind (after its retries) gives way to the next member of the
 * {@link #order order}. Immutable and thread-safe.
 */
public final class TargetGroup {

    /** How often the latency strategy tries another member than the fastest, so that none is starved for good. */
    static final double EXPLORE = 0.1;

    /**
     * A member of a group and its weight (used by {@link RouteStrategy#WEIGHTED}): any positive number, fractions
     * included ({@code 1.5} against {@code 1} sends 60% of the requests), as Portkey's loadbalance weights are.
     */
    public record Member(Target target, double weight) {
        public Member {
            Objects.requireNonNull(target, "target");
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("the weight of " + target.label() + " must be a number above 0, was "
                        + formatWeight(weight));
            }
        }
    }

    /** A weight as written: {@code 3}, {@code 1.5}. */
    public static String formatWeight(double weight) {
        return weight == Math.rint(weight) && Math.abs(weight) < 1e15 ? Long.toString((long) weight)
                : Double.toString(weight);
    }

    private final @Nullable RouteStrategy strategy;
    private final List<Member> members;
    /** The order of a group of one (a plain element of the chain), made once: it is every call's. */
    private final @Nullable List<Target> single;

    private TargetGroup(@Nullable RouteStrategy strategy, List<Member> members) {
        this.strategy = strategy;
        this.members = List.copyOf(members);
        if (this.members.isEmpty()) {
            throw new IllegalArgumentException("a target group needs at least one member");
        }
        this.single = this.members.size() == 1 ? List.of(this.members.get(0).target()) : null;
    }

    /** A plain element of the chain: always this target. */
    public static TargetGroup single(Target target) {
        return new TargetGroup(null, List.of(new Member(target, 1)));
    }

    /** A group picking among {@code members} by {@code strategy}. */
    public static TargetGroup of(RouteStrategy strategy, List<Member> members) {
        return new TargetGroup(Objects.requireNonNull(strategy, "strategy"), members);
    }

    /** The strategy; null for a single target. */
    public @Nullable RouteStrategy strategy() {
        return strategy;
    }

    public boolean isGroup() {
        return strategy != null;
    }

    public List<Member> members() {
        return members;
    }

    /** {@code target} or {@code weighted(azure-eu*3, azure-us)}, for logs and the route's description. */
    public String label() {
        if (strategy == null) {
            return members.get(0).target().label();
        }
        StringBuilder sb = new StringBuilder(strategy.configName()).append('(');
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            sb.append(i == 0 ? "" : ", ").append(m.target().label());
            if (strategy == RouteStrategy.WEIGHTED && m.weight() != 1) {
                sb.append('*').append(formatWeight(m.weight()));
            }
        }
        return sb.append(')').toString();
    }

    /**
     * The members in the order to try them for one request: the pick first, then who stands in for it when it is
     * skipped without a request or fails with a retryable kind.
     *
     * @param random uniform values in [0, 1]
     * @param stats  the route's statistics of each target
     */
    public List<Target> order(DoubleSupplier random, Map<Target, TargetStats> stats) {
        if (members.size() == 1) {
            return single;
        }
        switch (Objects.requireNonNull(strategy)) {
            case WEIGHTED:
                return weighted(random);
            case LEAST_BUSY:
                return leastBusy(random, stats);
            default:
                return fastest(random, stats);
        }
    }

    /** Weighted sampling without replacement: the first pick is in proportion to the weights, then the next ones. */
    private List<Target> weighted(DoubleSupplier random) {
        List<Member> left = new ArrayList<>(members);
        List<Target> order = new ArrayList<>(members.size());
        while (left.size() > 1) {
            double total = 0;
            for (Member m : left) {
                total += m.weight();
            }
            double point = draw(random) * total;
            int chosen = left.size() - 1;
            double sum = 0;
            for (int i = 0; i < left.size(); i++) {
                sum += left.get(i).weight();
                if (point < sum) {
                    chosen = i;
                    break;
                }
            }
            order.add(left.remove(chosen).target());
        }
        order.add(left.get(0).target());
        return order;
    }

    /** Fewest calls in flight first; a random shuffle before the stable sort breaks ties evenly. */
    private List<Target> leastBusy(DoubleSupplier random, Map<Target, TargetStats> stats) {
        List<Target> order = shuffled(random);
        order.sort(Comparator.comparingInt(t -> stats.get(t).inFlight()));
        return order;
    }

    /**
     * Members never measured first (in random order), then by weighted time to first token; with probability
     * {@link #EXPLORE} one of the slower members goes first instead, so a member that was slow is measured again.
     */
    private List<Target> fastest(DoubleSupplier random, Map<Target, TargetStats> stats) {
        List<Target> order = shuffled(random);
        order.sort(Comparator.<Target>comparingInt(t -> stats.get(t).samples() == 0 ? 0 : 1)
                .thenComparingDouble(t -> stats.get(t).averageNanos()));
        if (stats.get(order.get(0)).samples() > 0 && draw(random) < EXPLORE) {
            int other = 1 + index(random, order.size() - 1);
            order.add(0, order.remove(other));
        }
        return order;
    }

    private List<Target> shuffled(DoubleSupplier random) {
        List<Target> order = new ArrayList<>(members.size());
        for (Member m : members) {
            order.add(m.target());
        }
        for (int i = order.size() - 1; i > 0; i--) {
            int j = index(random, i + 1);
            order.set(j, order.set(i, order.get(j)));
        }
        return order;
    }

    /** A uniform index in [0, n). */
    private static int index(DoubleSupplier random, int n) {
        return Math.min(n - 1, (int) (draw(random) * n));
    }

    private static double draw(DoubleSupplier random) {
        double d = random.getAsDouble();
        return d < 0 ? 0 : Math.min(d, Math.nextDown(1.0));
    }

    @Override
    public String toString() {
        return label();
    }
}
