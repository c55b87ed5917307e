package dev.switchboard.runtime.testplugins;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Provider type {@code recording} (registered by {@code src/test/resources/plugins/recording}). Providers whose
 * block sets {@code marker} can be found again with {@link #createdWith}, even when the build that created them
 * failed afterwards.
 */
public final class RecordingFactory implements ProviderFactory {

    private static final Map<String, List<RecordingProvider>> CREATED = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "recording";
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        RecordingProvider p = new RecordingProvider(settings, context);
        settings.options().string("marker")
                .ifPresent(marker -> CREATED.computeIfAbsent(marker, m -> new CopyOnWriteArrayList<>()).add(p));
        return p;
    }

    /** Keys tests set on recording providers, to see them reach the factory. */
    @Override
    public Set<String> settingKeys() {
        return Set.of("region", "endpoint", "note", "organization", "marker");
    }

    @Override
    public Set<String> sensitiveKeys() {
        return Set.of("api-key", "client-secret");
    }

    public static List<RecordingProvider> createdWith(String marker) {
        return CREATED.getOrDefault(marker, List.of());
    }
}
