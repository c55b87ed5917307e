import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Prints how many bytes the JVM's threads allocated during a JFR recording made with allocation.jfc:
 * {@code java AllocatedBytes.java recording.jfr}. Each thread's jdk.ThreadAllocationStatistics counter is read at the
 * recording's start and end; a thread first seen at the end was started during the recording and counts from zero.
 * The measuring threads (JFR's own, and the attach listener that runs jcmd's commands) are left out.
 */
public final class AllocatedBytes {

    /** Events this close to the first one belong to the start of the recording. */
    private static final Duration SAME_BATCH = Duration.ofMillis(500);

    private record Reading(Instant time, long allocated) {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: java AllocatedBytes.java recording.jfr");
            System.exit(2);
        }
        Map<Long, Reading> first = new HashMap<>();
        Map<Long, Reading> last = new HashMap<>();
        Instant start = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ThreadAllocationStatistics")) {
                continue;
            }
            var thread = e.getThread("thread");
            if (thread == null || isMeasuring(thread.getJavaName())) {
                continue;
            }
            Reading r = new Reading(e.getStartTime(), e.getLong("allocated"));
            first.merge(thread.getJavaThreadId(), r, (a, b) -> a.time().isBefore(b.time()) ? a : b);
            last.merge(thread.getJavaThreadId(), r, (a, b) -> a.time().isAfter(b.time()) ? a : b);
            if (start == null || r.time().isBefore(start)) {
                start = r.time();
            }
        }
        if (start == null) {
            System.err.println("no jdk.ThreadAllocationStatistics events in " + args[0]);
            System.exit(1);
        }
        long total = 0;
        for (Map.Entry<Long, Reading> t : last.entrySet()) {
            Reading from = first.get(t.getKey());
            boolean seenAtStart = Duration.between(start, from.time()).compareTo(SAME_BATCH) < 0;
            total += t.getValue().allocated() - (seenAtStart ? from.allocated() : 0);
        }
        System.out.println(total);
    }

    private static boolean isMeasuring(String threadName) {
        return threadName == null || threadName.startsWith("JFR ") || threadName.equals("Attach Listener");
    }
}
