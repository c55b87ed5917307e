package dev.switchboard.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Writes a JSON request body straight to a generator, with no intermediate tree. */
@FunctionalInterface
public interface BodyWriter {
    void write(JsonGenerator generator) throws IOException;
}
