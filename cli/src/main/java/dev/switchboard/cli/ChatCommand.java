package dev.switchboard.cli;

import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ChatRequest;
import dev.switchboard.api.ChatResponse;
import dev.switchboard.api.ChatStream;
import dev.switchboard.api.Cost;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.Usage;
import dev.switchboard.runtime.Switchboard;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code switchboard chat}: one prompt, the answer on standard output as it arrives; who answered, the tokens, the
 * cost and the fallbacks taken on standard error.
 */
@Command(name = "chat",
        description = {"Send a prompt and print the answer as it streams in.",
                "The prompt is the arguments joined by spaces, or standard input when there are none. Who answered, "
                        + "the tokens used, the cost and the fallbacks taken go to standard error."})
final class ChatCommand implements Callable<Integer> {

    @ParentCommand
    private SwitchboardCommand root;

    @Mixin
    private HelpOption help;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private TargetOptions target;

    @Option(names = "--model", paramLabel = "M",
            description = "The model: with --provider, that provider's; with a route, every target's.")
    private String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message before the prompt.")
    private String system;

    @Option(names = "--no-stream", description = "Wait for the whole answer, then print it.")
    private boolean noStream;

    @Option(names = "--json", description = "Print the whole response (text, usage, attempts) as one JSON object; "
            + "implies --no-stream.")
    private boolean json;

    @Parameters(arity = "0..*", paramLabel = "PROMPT", description = "The prompt (default: standard input).")
    private List<String> prompt;

    @Override
    public Integer call() {
        try (Switchboard sb = root.open()) {
            TargetOptions.Selected selected = TargetOptions.select(sb, target, model);
            ChatRequest.Builder request = ChatRequest.builder().model(selected.requestModel());
            if (system != null) {
                request.system(system);
            }
            request.user(prompt());
            if (json || noStream) {
                whole(selected, request.build());
            } else {
                streamed(sb, selected, request.build());
            }
        }
        return ExitCodes.OK;
    }

    private void whole(TargetOptions.Selected selected, ChatRequest request) {
        ChatResponse r = selected.target().chat(request);
        Summary.fallbacks(r.attempts()).forEach(root::info);
        PrintWriter out = root.out();
        if (json) {
            JsonOutput.write(out, true, j -> j.chatResponse(r));
        } else {
            out.print(r.text());
            if (!r.text().isEmpty() && !r.text().endsWith("\n")) {
                out.println();
            }
            out.flush();
        }
        root.info(Summary.answered(r.provider(), r.model(), r.finishReason(), r.usage(), r.cost()));
    }

    /** Prints each text delta as it arrives (flushed), so the answer shows while it is written. */
    private void streamed(Switchboard sb, TargetOptions.Selected selected, ChatRequest request) {
        PrintWriter out = root.out();
        String answeredModel = request.model().orElse(null);
        Usage usage = Usage.NONE;
        FinishReason finish = null;
        boolean wrote = false;
        boolean atLineStart = true;
        ChatStream stream = selected.target().stream(request);
        try (stream) {
            // A route has tried its earlier targets by the time the stream opens.
            Summary.fallbacks(stream.attempts()).forEach(root::info);
            while (stream.hasNext()) {
                ChatEvent event = stream.next();
                if (event instanceof ChatEvent.TextDelta t && !t.text().isEmpty()) {
                    out.print(t.text());
                    out.flush();
                    wrote = true;
                    atLineStart = t.text().endsWith("\n");
                } else if (event instanceof ChatEvent.Started s && s.model() != null && !s.model().isEmpty()) {
                    answeredModel = s.model();
                } else if (event instanceof ChatEvent.UsageReport u) {
                    usage = u.usage();
                } else if (event instanceof ChatEvent.Finished f) {
                    finish = f.reason();
                }
            }
        } finally {
            // Whether the answer ended or broke off, the shell prompt (or the error line) starts on a line of its own.
            if (wrote && !atLineStart) {
                out.println();
            }
            out.flush();
        }
        // The stream was priced and recorded when it ended; price the same usage again for this line.
        Cost cost = sb.pricing().cost(stream.provider(), answeredModel, request.model().orElse(null), usage);
        root.info(Summary.answered(stream.provider(), answeredModel, finish, usage, cost));
    }

    private String prompt() {
        if (prompt != null && !prompt.isEmpty()) {
            return String.join(" ", prompt);
        }
        if (root.environment().interactive()) {
            root.info("reading the prompt from standard input; end it with Ctrl-D");
        }
        String text;
        try (InputStream in = root.environment().stdin().get()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the prompt from standard input: " + e.getMessage(), e);
        }
        if (text.isEmpty()) {
            throw new UsageException("no prompt: give it as arguments, or on standard input");
        }
        return text;
    }
}
