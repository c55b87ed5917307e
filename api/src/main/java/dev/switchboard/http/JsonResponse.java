package dev.switchboard.http;

import com.fasterxml.jackson.databind.JsonNode;

/** A successful response: its JSON body and headers. */
public record JsonResponse(int status, JsonNode body, ResponseHeaders headers) {}
