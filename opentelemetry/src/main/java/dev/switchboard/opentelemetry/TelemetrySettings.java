package dev.switchboard.opentelemetry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.switchboard.runtime.SwitchboardConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code switchboard.telemetry} block, checked strictly: an unknown key or a value of the wrong type is refused. */
record TelemetrySettings(boolean captureContent) {

    static final String BLOCK = "switchboard.telemetry";
    static final String CAPTURE_CONTENT = "capture-content";
    private static final Set<String> KNOWN = Set.of(CAPTURE_CONTENT);

    /**
     * Reads the block from a resolved configuration ({@code Switchboard.config()}); absent means the defaults.
     *
     * @throws SwitchboardConfigException naming the file, line and key of every problem
     */
    static TelemetrySettings read(Config config) {
        if (!config.hasPath(BLOCK)) {
            return new TelemetrySettings(false);
        }
        ConfigValue block = config.getValue(BLOCK);
        if (block.valueType() != ConfigValueType.OBJECT) {
            throw new SwitchboardConfigException(List.of(where(block) + BLOCK + ": must be a block, e.g. { "
                    + CAPTURE_CONTENT + " = false }"));
        }
        List<String> problems = new ArrayList<>();
        boolean capture = false;
        for (Map.Entry<String, ConfigValue> e : config.getObject(BLOCK).entrySet()) {
            String path = BLOCK + "." + e.getKey();
            if (!KNOWN.contains(e.getKey())) {
                problems.add(where(e.getValue()) + path + ": unknown key (known keys: " + CAPTURE_CONTENT + ")");
            } else {
                try {
                    // as Typesafe Config reads booleans: also the strings of a properties file ("true", "yes", "on")
                    capture = config.getBoolean(path);
                } catch (ConfigException ex) {
                    problems.add(where(e.getValue()) + path + ": must be true or false, was " + e.getValue().render());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SwitchboardConfigException(problems);
        }
        return new TelemetrySettings(capture);
    }

    /** {@code file:line: } as the runtime's own problems start, or the origin's description when it is no file. */
    private static String where(ConfigValue v) {
        String file = v.origin().filename() != null ? v.origin().filename() : v.origin().resource();
        if (file == null || v.origin().lineNumber() <= 0) {
            return v.origin().description() + ": ";
        }
        return file + ":" + v.origin().lineNumber() + ": ";
    }
}
