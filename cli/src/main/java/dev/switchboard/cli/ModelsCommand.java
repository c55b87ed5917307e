package dev.switchboard.cli;

import dev.switchboard.api.LlmProvider;
import dev.switchboard.api.ModelInfo;
import dev.switchboard.runtime.Switchboard;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard models}: the models each configured provider offers, as the provider lists them. */
@Command(name = "models",
        description = {"List the models of each configured provider (or of one).",
                "A provider that cannot list them (no key, not reachable, no listing) is reported on standard error; "
                        + "the command fails only when no listing succeeded."})
final class ModelsCommand implements Callable<Integer> {

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @Option(names = "--provider", paramLabel = "P", description = "Only this configured provider.")
    private String provider;

    @Option(names = "--json", description = "Print {\"providers\":[{\"name\",\"type\",\"models\":[...]}]} instead.")
    private boolean json;

    /** One provider's listing, or why there is none. */
    private record Listing(LlmProvider provider, List<ModelInfo> models, RuntimeException error) {}

    @Override
    public Integer call() {
        try (Switchboard sb = root.open()) {
            List<String> names = provider != null ? List.of(sb.provider(provider).name()) : List.copyOf(sb.providerNames());
            List<Listing> listings = new ArrayList<>();
            for (String name : names) {
                LlmProvider p = sb.provider(name);
                try {
                    listings.add(new Listing(p, p.listModels(), null));
                } catch (RuntimeException e) {
                    listings.add(new Listing(p, List.of(), e));
                }
            }
            print(listings);
            listings.stream().filter(l -> l.error() != null).forEach(l -> root.warn(message(l)));
            boolean anyListed = listings.stream().anyMatch(l -> l.error() == null);
            return anyListed || listings.isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    private void print(List<Listing> listings) {
        PrintWriter out = root.out();
        if (json) {
            JsonOutput.write(out, true, j -> {
                var g = j.generator();
                g.writeStartObject();
                g.writeArrayFieldStart("providers");
                for (Listing l : listings) {
                    g.writeStartObject();
                    g.writeStringField("name", l.provider().name());
                    g.writeStringField("type", l.provider().type());
                    if (l.error() != null) {
                        g.writeStringField("error", root.redact(Errors.oneLine(message(l))));
                    } else {
                        g.writeArrayFieldStart("models");
                        for (ModelInfo m : l.models()) {
                            j.model(m);
                        }
                        g.writeEndArray();
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            });
            return;
        }
        for (Listing l : listings) {
            if (l.error() != null) {
                continue;
            }
            out.println(l.provider().name() + " (" + l.provider().type() + "), " + l.models().size() + " models:");
            Table table = new Table("MODEL", "KIND", "OWNED BY", "CONTEXT");
            for (ModelInfo m : l.models()) {
                table.row(m.id(), m.kind().orElse(""), m.ownedBy().orElse(""),
                        m.contextLength().isPresent() ? String.valueOf(m.contextLength().getAsInt()) : "");
            }
            table.print(out, "  ");
        }
        out.flush();
    }

    private static String message(Listing l) {
        String m = String.valueOf(l.error().getMessage());
        return m.startsWith(l.provider().name() + ":") ? m : l.provider().name() + ": " + m;
    }
}
