package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.api.LlmException;

/** Turns a provider's error response, or an error sent inside a stream, into an {@link LlmException}. */
public interface ErrorMapper {

    LlmException map(HttpFailure failure);

    /** An error object (or string) sent mid-stream with a 200 status. */
    default LlmException mapStreamError(String provider, JsonNode error) {
        return StandardErrorMapper.INSTANCE.mapStreamError(provider, error);
    }
}
