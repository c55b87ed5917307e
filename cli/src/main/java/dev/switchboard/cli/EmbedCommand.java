package dev.switchboard.cli;

import dev.switchboard.api.EmbeddingRequest;
import dev.switchboard.api.EmbeddingResponse;
import dev.switchboard.runtime.Switchboard;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard embed}: one JSON array of vectors, one per text, in order. */
@Command(name = "embed",
        description = {"Embed each TEXT and print the vectors as one JSON array of arrays, in input order.",
                "A route skips targets that cannot embed."})
final class EmbedCommand implements Callable<Integer> {

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private TargetOptions target;

    @Option(names = "--model", paramLabel = "M", description = "The embedding model (default: the provider's).")
    private String model;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The texts to embed, one vector each.")
    private List<String> texts;

    @Override
    public Integer call() {
        try (Switchboard sb = root.open()) {
            TargetOptions.Selected selected = TargetOptions.select(sb, target, model);
            EmbeddingResponse r = selected.target().embed(new EmbeddingRequest(selected.requestModel(), texts, null));
            Summary.fallbacks(r.attempts()).forEach(root::info);
            JsonOutput.write(root.out(), false, j -> j.vectors(r));
            root.info(Summary.answered(r.provider(), r.model(), null, r.usage(), r.cost()));
        }
        return ExitCodes.OK;
    }
}
