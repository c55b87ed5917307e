import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who held the CPUs while a request waited for one: {@code java SchedStalls.java TIMEHIST_FILE [MS] [TASKS]}.
 *
 * <p>Reads {@code perf sched timehist --state} output (one line per context switch: when a thread left a CPU, how
 * long it had waited before it ran, how long it ran, and in which state it left) and finds each time a thread of the
 * request path (TASKS, comma-separated name prefixes; default {@code server-dispatch,wrk,nginx}) was runnable for
 * more than MS milliseconds (default 0.5) before it got a CPU: after a wake-up (the scheduling delay), or after it was
 * preempted. For those stretches it sums what every CPU ran meanwhile, by thread name (the kernel keeps the first 15
 * characters), {@code <idle>} included. On a machine with few cores that says whether a request's stall was a CPU
 * busy with the gateway's own background work (its state writer, the JIT, the collector), with another process, or a
 * CPU left idle while the request waited on the other one's queue.
 */
public final class SchedStalls {

    /**
     * One switch: time [cpu] thread wait delay run state, e.g.
     * {@code 23499.733518 [0000]  server-dispatch[7198/7146]  4.211  0.000  0.085  R}.
     */
    private static final Pattern LINE = Pattern.compile("\\s*(\\d+\\.\\d+)\\s+\\[(\\d+)]\\s+(.+?)"
            + "\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d+)\\s+(\\S+)\\s*");

    private record Run(double start, double end, String task) {}

    private record Stall(double from, double to, String task) {}

    private SchedStalls() {}

    /** What a trace holds: every run of a thread on a CPU, the request path's waits, and the span traced (s). */
    private record Trace(List<Run> runs, List<Stall> stalls, double first, double last) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: java SchedStalls.java TIMEHIST_FILE [MS] [TASKS]");
            System.exit(2);
        }
        double threshold = args.length > 1 ? Double.parseDouble(args[1]) / 1000 : 0.0005;
        List<String> path = Arrays.asList((args.length > 2 ? args[2] : "server-dispatch,wrk,nginx").split(","));
        Trace trace = read(Path.of(args[0]), threshold, path);
        if (trace.runs.isEmpty()) {
            System.err.println("SchedStalls: no context switch in " + args[0]
                    + ": give it the output of perf sched timehist --state");
            System.exit(1);
        }
        List<Stall> stalls = trace.stalls;
        double stalled = stalls.stream().mapToDouble(s -> s.to - s.from).sum();
        double span = trace.last - trace.first;
        System.out.printf("%d stretches of more than %.2f ms in which a thread of the request path (%s) was runnable"
                        + " and not running, %.1f ms in all, in %.1f s traced (%.2f %% of the time)%n",
                stalls.size(), threshold * 1000, String.join(", ", path), stalled * 1000, span, 100 * stalled / span);
        System.out.println("what the CPUs ran meanwhile, ms (summed over the CPUs):");
        heldDuring(trace).entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .limit(15)
                .forEach(e -> System.out.printf("  %8.1f  %s%n", e.getValue() * 1000, e.getKey()));
        // the five longest, to look up in the file
        System.out.println("longest (start, ms, thread):");
        stalls.stream()
                .sorted((a, b) -> Double.compare(b.to - b.from, a.to - a.from))
                .limit(5)
                .forEach(s -> System.out.printf("  %.6f  %.2f  %s%n", s.from, (s.to - s.from) * 1000, s.task));
    }

    /** Reads the runs, and the waits longer than {@code threshold} s of the threads {@code path}'s prefixes name. */
    private static Trace read(Path file, double threshold, List<String> path) throws IOException {
        List<Run> runs = new ArrayList<>();
        List<Stall> stalls = new ArrayList<>();
        Map<String, String> leftIn = new HashMap<>(); // thread (name[tid/pid]) -> state it last left a CPU in
        double first = Double.POSITIVE_INFINITY;
        double last = Double.NEGATIVE_INFINITY;
        for (String line : Files.readAllLines(file)) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue; // the header lines
            }
            double end = Double.parseDouble(m.group(1));
            String thread = m.group(3);
            double waited = Double.parseDouble(m.group(4)) / 1000;
            double delay = Double.parseDouble(m.group(5)) / 1000;
            double start = end - Double.parseDouble(m.group(6)) / 1000;
            String name = thread.replaceFirst("\\[[^\\[]*]$", "");
            runs.add(new Run(start, end, name));
            first = Math.min(first, start);
            last = Math.max(last, end);
            // runnable before this run: since its wake-up, or since it was preempted (it left a CPU in state R)
            double runnable = delay + ("R".equals(leftIn.get(thread)) ? waited : 0);
            leftIn.put(thread, m.group(7));
            if (runnable > threshold && path.stream().anyMatch(name::startsWith)) {
                stalls.add(new Stall(start - runnable, start, name));
            }
        }
        runs.sort((a, b) -> Double.compare(a.start, b.start));
        return new Trace(runs, stalls, first, last);
    }

    /** Seconds each thread name (and {@code <idle>}) ran on any CPU while a thread of the request path waited. */
    private static Map<String, Double> heldDuring(Trace trace) {
        List<Run> runs = trace.runs;
        double longestRun = runs.stream().mapToDouble(r -> r.end - r.start).max().orElse(0);
        Map<String, Double> heldBy = new HashMap<>();
        for (Stall s : trace.stalls) {
            // the runs that overlap [from, to] start before `to` and at most the longest run before `from`
            int i = firstStartingAfter(runs, s.from - longestRun);
            for (; i < runs.size() && runs.get(i).start < s.to; i++) {
                Run r = runs.get(i);
                double overlap = Math.min(r.end, s.to) - Math.max(r.start, s.from);
                if (overlap > 0) {
                    heldBy.merge(r.task, overlap, Double::sum);
                }
            }
        }
        return heldBy;
    }

    /** The index of the first run starting at or after {@code time} (runs sorted by start). */
    private static int firstStartingAfter(List<Run> runs, double time) {
        int low = 0;
        int high = runs.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (runs.get(mid).start < time) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
