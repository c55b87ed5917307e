package dev.switchboard.runtime.testplugins.isolated;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.switchboard.api.Capability;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.spi.AbstractChatStream;
import dev.switchboard.spi.ProviderContext;
import dev.switchboard.spi.ProviderFactory;
import dev.switchboard.spi.ProviderSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * A plugin that bundles its own Typesafe Config and reports what it sees: the jar its {@code ConfigFactory} comes
 * from, and whether the thread's context class loader was its own while it was created and while it answers. Its
 * type is read from {@code library-probe.properties} in its jar, so two folders can each install it under a type of
 * their own. Tests copy it into plugin jars; the test class path never serves it.
 */
public final class LibraryProbeFactory implements ProviderFactory {

    static final String PROPERTIES = "library-probe.properties";

    @Override
    public String type() {
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException(PROPERTIES + " is missing from the plugin jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("type");
    }

    @Override
    public LlmProvider create(ProviderSettings settings, ProviderContext context) {
        return new Probe(settings.name(), type(), ownContext());
    }

    /** Whether the context class loader is this plugin's own. */
    static boolean ownContext() {
        return Thread.currentThread().getContextClassLoader() == LibraryProbeFactory.class.getClassLoader();
    }

    /** The file name of the jar the plugin's Typesafe Config is loaded from, read through the library itself. */
    static String configJar() {
        String jar = Path.of(ConfigFactory.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .getFileName().toString();
        Config parsed = ConfigFactory.parseString("jar = \"" + jar + "\"");
        return parsed.getString("jar");
    }

    private static final class Probe implements LlmProvider {

        private final String name;
        private final String type;
        private final boolean createdInOwnContext;

        Probe(String name, String type, boolean createdInOwnContext) {
            this.name = name;
            this.type = type;
            this.createdInOwnContext = createdInOwnContext;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.CHAT, Capability.STREAMING, Capability.MODEL_LISTING);
        }

        /** "library &lt;jar&gt;", then "created in own context: &lt;boolean&gt;". */
        @Override
        public List<ModelInfo> listModels() {
            return List.of(ModelInfo.of("library " + configJar(), name),
                    ModelInfo.of("created in own context: " + createdInOwnContext, name));
        }

        /** The stream's answer, pulled within this call: each pull says whether it ran in the plugin's context. */
        @Override
        public ChatResponse chat(ChatRequest request) {
            return stream(request).collect();
        }

        /** One text event per pull, saying whether that pull ran in the plugin's own context. */
        @Override
        public ChatStream stream(ChatRequest request) {
            return new AbstractChatStream(name, "probe") {
                private int pulls;

                @Override
                protected boolean fetch() {
                    if (pulls++ < 2) {
                        emit(new ChatEvent.TextDelta("[pull in own context: " + ownContext() + "]"));
                        return true;
                    }
                    emit(new ChatEvent.Finished(FinishReason.STOP, "stop"));
                    return false;
                }

                @Override
                protected void release(boolean completed) {}
            };
        }
    }
}
