package dev.switchboard.provider.replicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.ChatEvent;
import dev.switchboard.api.ErrorKind;
import dev.switchboard.api.FinishReason;
import dev.switchboard.api.LlmException;
import dev.switchboard.http.ErrorMapper;
import dev.switchboard.http.Json;
import dev.switchboard.http.SseReader;
import dev.switchboard.http.StreamingResponse;
import dev.switchboard.spi.AbstractChatStream;
import java.io.IOException;

/**
 * A prediction's event stream ({@code urls.stream}): {@code output} events carry text as is (data on several lines is
 * one piece with its line breaks), {@code error} carries {@code {"detail": ...}}, and {@code done} ends the stream;
 * its data is {@code {}} on success and names a {@code reason} ({@code canceled}, {@code error}) otherwise. After a
 * successful {@code done} the prediction is read once more for its token counts ({@code metrics}). A stream given up
 * before {@code done} cancels the prediction, so it stops costing.
 */
final class ReplicateChatStream extends AbstractChatStream {

    private static final System.Logger LOG = System.getLogger(ReplicateChatStream.class.getName());

    private final String predictionId;
    private final StreamingResponse response;
    private final SseReader sse;
    private final PredictionApi api;
    private final ErrorMapper errors;
    private volatile boolean predictionOver;

    ReplicateChatStream(String provider, String model, JsonNode prediction, StreamingResponse response, PredictionApi api,
                        ErrorMapper errors) {
        super(provider, model);
        this.predictionId = Predictions.id(prediction);
        this.response = response;
        this.sse = new SseReader(response.body());
        this.api = api;
        this.errors = errors;
        emit(new ChatEvent.Started(predictionId, Json.text(prediction, "model")));
    }

    @Override
    protected boolean fetch() {
        try {
            if (!sse.next()) {
                throw response.endedEarly();
            }
        } catch (IOException e) {
            throw response.failure(e);
        }
        String event = sse.event() == null ? "" : sse.event();
        switch (event) {
            case "output" -> {
                String text = sse.data();
                if (!text.isEmpty()) {
                    emit(new ChatEvent.TextDelta(text));
                }
                return true;
            }
            case "error" -> {
                predictionOver = true;
                throw errors.mapStreamError(provider(), Json.textNode(errorDetail(sse.data())));
            }
            case "done" -> {
                predictionOver = true;
                String reason = doneReason(sse.data());
                if (reason != null) {
                    throw LlmException.builder(ErrorKind.STREAM_INTERRUPTED, provider())
                            .message("prediction " + predictionId + " ended without finishing: " + reason).build();
                }
                response.finish(); // the event stream is over; free its connection before asking for the metrics
                reportUsage();
                emit(new ChatEvent.Finished(FinishReason.STOP, "succeeded"));
                return false;
            }
            default -> {
                return true; // logs, and events this version does not know
            }
        }
    }

    /** Token counts come only with the finished prediction; without them the answer stands, with no usage. */
    private void reportUsage() {
        try {
            emit(new ChatEvent.UsageReport(Predictions.usage(api.get(predictionId))));
        } catch (LlmException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: no usage for prediction {1}: {2}", provider(), predictionId, e.getMessage());
        }
    }

    private static String errorDetail(String data) {
        try {
            JsonNode node = Json.parse(data, "error event");
            String detail = Json.text(node, "detail");
            return detail != null ? detail : node.isTextual() ? node.asText() : data;
        } catch (IllegalArgumentException notJson) {
            return data;
        }
    }

    /** The {@code reason} of a {@code done} event, or null for a success ({@code {}}). */
    private static String doneReason(String data) {
        if (data.isBlank()) {
            return null;
        }
        try {
            String reason = Json.text(Json.parse(data, "done event"), "reason");
            return reason == null || reason.isEmpty() ? null : reason;
        } catch (IllegalArgumentException notJson) {
            return null;
        }
    }

    @Override
    protected void release(boolean completed) {
        if (completed) {
            response.finish();
            return;
        }
        response.close();
        if (!predictionOver) {
            api.cancel(predictionId);
        }
    }
}
