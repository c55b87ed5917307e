package dev.switchboard.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds list entries that an optional substitution {@code ${?NAME}} left out because NAME is not set: Typesafe drops
 * such an entry silently, so {@code keys = [ ${?GATEWAY_KEY} ]} would turn into no keys at all (an open gateway) and
 * {@code targets = [ ${?PRIMARY} ]} into an empty route. Each is a problem where the entry is written.
 */
final class DroppedEntries {

    private static final Pattern OPTIONAL = Pattern.compile("^\\$\\{\\?\\s*([^}]+?)\\s*}$");

    private DroppedEntries() {}

    /** Compares each list the user wrote under {@code switchboard} with the same list resolved. */
    static void report(Config user, Config resolved, ConfigProblems problems) {
        ConfigValue root = user.root().get(SwitchboardConfigLoader.ROOT);
        if (root != null) {
            walk(root, SwitchboardConfigLoader.ROOT, resolved, problems);
        }
    }

    private static void walk(ConfigValue written, String path, Config resolved, ConfigProblems problems) {
        if (written instanceof ConfigObject o) {
            for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
                walk(e.getValue(), path + "." + ConfigFields.join(e.getKey()), resolved, problems);
            }
        } else if (written instanceof ConfigList list) {
            int kept = resolvedSize(resolved, path);
            if (kept < 0 || kept >= list.size()) {
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                Matcher m = OPTIONAL.matcher(render(list.get(i)));
                if (m.matches() && !isSet(resolved, m.group(1))) {
                    problems.add(list.get(i).origin(), path + "[" + i + "]", "reads " + m.group() + ", which is not"
                            + " set, so the entry would be left out; set " + m.group(1) + " or remove the entry");
                }
            }
        }
    }

    /** The size of the list at {@code path} once resolved, or -1 when it is not a resolved list. */
    private static int resolvedSize(Config resolved, String path) {
        try {
            return resolved.getList(path).size();
        } catch (ConfigException e) {
            return -1;
        }
    }

    private static String render(ConfigValue v) {
        try {
            return v.render().strip();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Whether {@code name} (a variable or a key path) has a value. */
    private static boolean isSet(Config resolved, String name) {
        try {
            return resolved.hasPath(name);
        } catch (ConfigException e) {
            return false;
        }
    }
}
