package dev.switchboard.runtime;

import dev.switchboard.spi.ProviderFactory;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The provider types the test class path itself installs (the provider modules these tests depend on), so tests that
 * check a whole discovered list name only the types they add themselves.
 */
public final class ClassPathTypes {

    private ClassPathTypes() {}

    /** The class path's types plus {@code more}, sorted as the registry lists them. */
    public static List<String> plus(String... more) {
        TreeSet<String> types = new TreeSet<>(List.of(more));
        for (ProviderFactory f : ServiceLoader.load(ProviderFactory.class, ClassPathTypes.class.getClassLoader())) {
            types.add(f.type());
        }
        return List.copyOf(types);
    }
}
