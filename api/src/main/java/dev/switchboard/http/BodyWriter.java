package dev.switchboard.http;

import java.io.IOException;

/** Writes a JSON request body straight to the wire, with no intermediate tree. */
@FunctionalInterface
public interface BodyWriter {
    void write(JsonWriter writer) throws IOException;
}
